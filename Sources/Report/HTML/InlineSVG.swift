/// Prepares a figure's SVG file text for inlining in an HTML page.
public enum InlineSVG {
    /// `svg` without its XML declaration, with every `id` and `url(#…)` reference prefixed by `prefix` so that
    /// several figures on one page keep their own clip paths and gradients, and with an accessible label.
    ///
    /// The renderer escapes quotes in text, so `id="` and `"url(#` occur only in attributes.
    public static func embed(_ svg: String, idPrefix prefix: String, label: String) -> String {
        var text = Substring(svg)
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") {
            text = text[end.upperBound...].drop(while: \.isNewline)
        }
        var out = String(text)
            .replacingOccurrences(of: " id=\"", with: " id=\"\(prefix)-")
            .replacingOccurrences(of: "\"url(#", with: "\"url(#\(prefix)-")
        if let open = out.range(of: "<svg ") {
            out.replaceSubrange(open, with: "<svg role=\"img\" aria-label=\"\(HTMLText.escape(label))\" ")
        }
        return out
    }
}
