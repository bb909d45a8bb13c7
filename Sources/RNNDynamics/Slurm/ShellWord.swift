/// A string as one word of POSIX shell: single-quoted, with each `'` written as `'\''`. Inside single quotes
/// the shell interprets nothing (`$`, backticks, `\`, `"`, newlines are literal), so no value can run a command.
public enum ShellWord {
    /// `value` quoted for a shell command line or script.
    public static func quote(_ value: String) -> String {
        if !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:,+%@".contains($0)) }) {
            return value
        }
        return "'" + value.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// A command line of quoted words.
    public static func line(_ words: [String]) -> String { words.map(quote).joined(separator: " ") }

    /// `value` for a comment line: printable, with control characters (newlines among them) escaped as `\n`,
    /// `\t` or `\u{…}`, so it cannot end the comment.
    public static func comment(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            default:
                if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .lineSeparator
                    || scalar.properties.generalCategory == .paragraphSeparator || scalar.properties.generalCategory == .format {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
