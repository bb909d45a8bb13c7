/// An SVG document under construction: its size, shared `<defs>` and body, serialised deterministically.
public struct SVGDocument: Sendable, Equatable {
    /// Width in CSS pixels.
    public var width: Double
    /// Height in CSS pixels.
    public var height: Double
    /// Extra attributes of the root `<svg>` element (font-family, …).
    public var rootAttributes: [SVGAttribute]
    /// Shared definitions (patterns, gradients, clip paths).
    public private(set) var definitions: [SVGElement] = []
    /// Drawn elements in painting order.
    public private(set) var body: [SVGElement] = []

    /// An empty `width` × `height` document with extra root attributes.
    public init(width: Double, height: Double, attributes: KeyValuePairs<String, String> = [:]) {
        self.width = width
        self.height = height
        self.rootAttributes = attributes.map { SVGAttribute($0.key, $0.value) }
    }

    /// Adds a definition; one whose `id` is already defined is ignored.
    public mutating func define(_ element: SVGElement) {
        if let id = element.attribute("id"), definitions.contains(where: { $0.attribute("id") == id }) { return }
        definitions.append(element)
    }

    /// Appends drawn elements.
    public mutating func add(_ elements: [SVGElement]) {
        body += elements
    }

    /// Appends one drawn element.
    public mutating func add(_ element: SVGElement) {
        body.append(element)
    }

    /// The complete SVG text, starting with an XML declaration.
    public func render() -> String {
        var root = SVGElement("svg", ["xmlns": "http://www.w3.org/2000/svg",
                                      "width": SVGNumber.format(width), "height": SVGNumber.format(height),
                                      "viewBox": "0 0 \(SVGNumber.format(width)) \(SVGNumber.format(height))"])
        root.attributes += rootAttributes
        if !definitions.isEmpty { root.children.append(SVGElement("defs", children: definitions)) }
        root.children += body
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        root.write(to: &out)
        return out
    }
}
