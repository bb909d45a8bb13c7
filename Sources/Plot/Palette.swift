/// Colour-blind-safe Okabe–Ito colours, one per series `group`, extended by four of Paul Tol's muted colours
/// so that up to twelve groups get distinct colours.
public enum Palette {
    /// Okabe–Ito colours ordered for lines on white (blue, vermillion, bluish green, reddish purple, orange,
    /// sky blue, black, yellow).
    public static let okabeIto: [String] = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
                                            "#000000", "#f0e442"]

    /// Okabe–Ito followed by Tol's wine, teal, olive and indigo (yellow, the faintest on white, moved last).
    public static let colors: [String] = okabeIto.filter { $0 != "#f0e442" } + ["#882255", "#44aa99", "#999933",
                                                                               "#332288", "#f0e442"]

    /// The colour of `group`, cycling through the palette (negative groups wrap around).
    public static func color(group: Int) -> String {
        let n = colors.count
        return colors[((group % n) + n) % n]
    }
}
