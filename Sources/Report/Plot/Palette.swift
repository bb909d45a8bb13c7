/// Colour-blind-safe Okabe–Ito colours, one per series `group`.
public enum Palette {
    /// Okabe–Ito colours ordered for lines on white (blue, vermillion, bluish green, reddish purple, orange,
    /// sky blue, black, yellow).
    public static let okabeIto: [String] = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
                                            "#000000", "#f0e442"]

    /// The colour of `group`, cycling through the palette (negative groups wrap around).
    public static func color(group: Int) -> String {
        let n = okabeIto.count
        return okabeIto[((group % n) + n) % n]
    }
}
