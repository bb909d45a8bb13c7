/// Sizes, fonts and strokes shared by every panel, so that a figure reads as one piece.
public struct PlotTheme: Sendable, Equatable {
    /// Width of one grid cell (panel including its labels), in pixels.
    public var panelWidth = 420.0
    /// Height of one grid cell, in pixels.
    public var panelHeight = 320.0
    /// CSS font family of all text.
    public var fontFamily = "sans-serif"
    /// Figure title size.
    public var figureTitleSize = 16.0
    /// Panel title size.
    public var panelTitleSize = 13.0
    /// Size of the bold panel letters (A, B, …).
    public var panelLetterSize = 15.0
    /// Axis label size.
    public var axisLabelSize = 12.0
    /// Tick label size.
    public var tickLabelSize = 10.0
    /// Legend text size.
    public var legendSize = 10.0
    /// Major tick length (minor ticks are 60 % of it).
    public var tickLength = 5.0
    /// Colour of text, frames and ticks.
    public var ink = "#262626"
    /// Colour of grid lines.
    public var gridColor = "#e5e5e5"

    /// The default theme.
    public static let standard = PlotTheme()

    /// The default theme, to be adjusted field by field.
    public init() {}
}
