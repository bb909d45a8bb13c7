/// The small math markup of figure titles, axis labels, legend labels and experiment summaries.
///
/// - `^x` and `_x` raise or lower the one character `x`: `s_t`, `N_h`, `λ^T`, `β_c`.
/// - `^(…)` and `_(…)` raise or lower a group; the parentheses are not shown and may nest: `λ^(T−t)`, `b_(max)`,
///   `W_(h)(0)`.
/// - `\^`, `\_` and `\\` are a literal `^`, `_` and `\`; any other `\` is itself.
/// - A `^` or `_` at the end, before a space or before an unclosed `(` is itself.
///
/// Scripts do not nest: a `^` or `_` inside a group is shown as is. `plain` gives the text with the markup removed
/// (`λ^(T−t)` → `λT−t`).
public enum LabelMarkup {
    /// Where a run of text sits relative to the baseline.
    public enum Position: Sendable, Equatable {
        /// On the baseline.
        case normal
        /// Raised (superscript).
        case superscript
        /// Lowered (subscript).
        case `subscript`
    }

    /// A run of text in one position.
    public struct Run: Sendable, Equatable {
        /// The run's text, markup removed.
        public var text: String
        /// Its position.
        public var position: Position

        /// A run.
        public init(_ text: String, _ position: Position) { self.text = text; self.position = position }
    }

    /// The runs of `label`, adjacent runs in one position merged, empty runs dropped.
    public static func runs(_ label: String) -> [Run] {
        var out: [Run] = []
        func add(_ text: String, _ position: Position) {
            guard !text.isEmpty else { return }
            if let last = out.last, last.position == position { out[out.count - 1].text += text } else { out.append(Run(text, position)) }
        }
        let chars = Array(label)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "^_\\".contains(chars[i + 1]) {
                add(String(chars[i + 1]), .normal)
                i += 2
                continue
            }
            if c == "^" || c == "_", i + 1 < chars.count {
                let position: Position = c == "^" ? .superscript : .subscript
                let next = chars[i + 1]
                if next == "(", let close = closing(chars, open: i + 1) {
                    add(unescaped(chars[(i + 2)..<close]), position)
                    i = close + 1
                    continue
                }
                if !next.isWhitespace, next != "(" {
                    add(String(next), position)
                    i += 2
                    continue
                }
            }
            add(String(c), .normal)
            i += 1
        }
        return out
    }

    /// `text` as a label that shows it literally (`learning_rate` → `learning\_rate`): for names, not math.
    public static func literal(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "^" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// Whether `label` contains any super- or subscript.
    public static func hasScripts(_ label: String) -> Bool {
        runs(label).contains { $0.position != .normal }
    }

    /// `label` without markup: the runs' text joined.
    public static func plain(_ label: String) -> String {
        runs(label).map(\.text).joined()
    }

    /// Index of the `)` matching the `(` at `open`, nil when unbalanced.
    static func closing(_ chars: [Character], open: Int) -> Int? {
        var depth = 0, j = open
        while j < chars.count {
            if chars[j] == "\\", j + 1 < chars.count { j += 2; continue }
            if chars[j] == "(" { depth += 1 }
            if chars[j] == ")" { depth -= 1; if depth == 0 { return j } }
            j += 1
        }
        return nil
    }

    /// The group's text with `\^`, `\_`, `\\` unescaped.
    static func unescaped(_ chars: ArraySlice<Character>) -> String {
        var out = "", i = chars.startIndex
        while i < chars.endIndex {
            if chars[i] == "\\", i + 1 < chars.endIndex, "^_\\".contains(chars[i + 1]) { out.append(chars[i + 1]); i += 2; continue }
            out.append(chars[i]); i += 1
        }
        return out
    }
}
