/// JSON form of a panel's content: `{"kind": "lines", "series": […]}`, `{"kind": "heatmap", "x", "y", "z",
/// "color_label"}` or `{"kind": "complex_plane", "series": […], "unit_circle": true}`, so a saved `figure.json`
/// redraws the figure without the experiment.
extension PanelContent: Codable {
    private enum Kind: String, Codable {
        case lines, heatmap
        case complexPlane = "complex_plane"
    }

    private enum Key: String, CodingKey {
        case kind, series, x, y, z
        case colorLabel = "color_label"
        case unitCircle = "unit_circle"
    }

    /// Decodes the tagged form written by `encode(to:)`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        switch try c.decode(Kind.self, forKey: .kind) {
        case .lines:
            self = .lines(try c.decode([Series].self, forKey: .series))
        case .heatmap:
            self = .heatmap(x: try c.decode(String.self, forKey: .x), y: try c.decode(String.self, forKey: .y),
                            z: try c.decode(String.self, forKey: .z), colorLabel: try c.decode(String.self, forKey: .colorLabel))
        case .complexPlane:
            self = .complexPlane(try c.decode([Series].self, forKey: .series), unitCircle: try c.decode(Bool.self, forKey: .unitCircle))
        }
    }

    /// Encodes the content with a `kind` tag.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .lines(let series):
            try c.encode(Kind.lines, forKey: .kind)
            try c.encode(series, forKey: .series)
        case let .heatmap(x, y, z, colorLabel):
            try c.encode(Kind.heatmap, forKey: .kind)
            try c.encode(x, forKey: .x)
            try c.encode(y, forKey: .y)
            try c.encode(z, forKey: .z)
            try c.encode(colorLabel, forKey: .colorLabel)
        case let .complexPlane(series, unitCircle):
            try c.encode(Kind.complexPlane, forKey: .kind)
            try c.encode(series, forKey: .series)
            try c.encode(unitCircle, forKey: .unitCircle)
        }
    }
}
