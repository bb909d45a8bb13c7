import FigureData

/// Estimated text widths (no font metrics at render time): DejaVu Sans advance widths, the font `sans-serif`
/// resolves to on Debian; slightly wide for Helvetica/Arial, which keeps layouts safe.
enum TextMetrics {
    /// Advance widths in em of ASCII 32…126 in DejaVu Sans.
    static let ascii: [Double] = [
        0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337,
        0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838,
        0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863,
        0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337,
        0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278,
        0.974, 0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636,
        0.337, 0.636, 0.838,
    ]

    /// Estimated width in pixels of the `LabelMarkup` label `text` at `size` (bold text about 10 % wider; scripts
    /// at `MathText.scriptScale` of the size, markup characters not counted).
    static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        LabelMarkup.runs(text).reduce(0) { sum, run in
            sum + ems(run.text) * size * (run.position == .normal ? 1 : MathText.scriptScale)
        } * (bold ? 1.1 : 1)
    }

    /// Estimated width of plain `text` in em.
    static func ems(_ text: String) -> Double {
        var em = 0.0
        for scalar in text.unicodeScalars {
            let v = Int(scalar.value)
            if v >= 32, v < 127 {
                em += ascii[v - 32]
            } else if (0x2070...0x209F).contains(v) || v == 0xB2 || v == 0xB3 || v == 0xB9 {
                em += 0.45  // superscripts and subscripts
            } else if v >= 0x1100 {
                em += v >= 0x2E80 ? 1.0 : 0.84  // wide East Asian; symbols such as − → ≈
            } else {
                em += 0.65  // Latin-1, Greek, Cyrillic
            }
        }
        return em
    }
}
