/// The "load this figure's data" part of a report section: a copyable `python -c` one-liner that opens the run's
/// `results.npz` by its path relative to the report, a NumPy line that reads the first array the figure draws, and
/// every key with its shape.
public enum DataSnippet {
    /// The snippet's HTML (nothing when the run has no `results.npz` link).
    public static func html(_ entry: ReportEntry) -> String {
        guard entry.files.contains(RunFiles.results) else { return "" }
        let e = HTMLText.escape, path = entry.href(RunFiles.results)
        var out = "<p class=\"muted\">Load the data (paths are relative to this report's folder):</p>\n"
        out += "<pre class=\"snippet\"><code>\(e(shellCommand(path)))</code></pre>\n"
        if let first = entry.plotted.first(where: { key in entry.arrays.isEmpty || entry.arrays.contains { $0.name == key } }) {
            let shape = entry.arrays.first { $0.name == first }.map { "  # shape " + shapeText($0.shape) } ?? ""
            out += "<pre class=\"snippet\"><code>\(e(numpyLines(path, key: first) + shape))</code></pre>\n"
        }
        if !entry.arrays.isEmpty {
            out += "<details class=\"arrays\"><summary>\(entry.arrays.count) arrays in <code>\(e(RunFiles.results))</code></summary>\n"
            out += "<p>" + entry.arrays.map { "<code>\(e($0.name))</code> \(e(shapeText($0.shape)))" }.joined(separator: " · ")
            out += "</p>\n</details>\n"
        }
        return out
    }

    /// `python -c "…"` printing every key of the `.npz` at `path` with its shape.
    public static func shellCommand(_ path: String) -> String {
        let python = "import numpy as np; d = np.load(\(pythonString(path))); print({k: d[k].shape for k in d.files})"
        return "python -c \"" + shellDoubleQuoted(python) + "\""
    }

    /// Two lines of Python reading array `key` of the `.npz` at `path`.
    public static func numpyLines(_ path: String, key: String) -> String {
        "import numpy as np\n\(pythonIdentifier(key)) = np.load(\(pythonString(path)))[\(pythonString(key))]"
    }

    /// `[4, 10]` as `(4, 10)`, a 1-D shape as `(n,)`, as NumPy prints it.
    public static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// `text` as a single-quoted Python string literal.
    static func pythonString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// `text` escaped for the inside of a POSIX shell double-quoted string.
    static func shellDoubleQuoted(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\"$`\\".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// A Python variable name for array `key` (letters, digits, underscores; `z` when nothing is left).
    static func pythonIdentifier(_ key: String) -> String {
        var name = String(key.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        if name.first?.isNumber ?? true { name = "z" + (name.isEmpty ? "" : "_" + name) }
        return name
    }
}
