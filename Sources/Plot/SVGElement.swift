/// One attribute of an SVG element, kept in insertion order for deterministic output.
public struct SVGAttribute: Sendable, Equatable {
    /// Attribute name.
    public var name: String
    /// Unescaped attribute value.
    public var value: String

    /// An attribute `name="value"`.
    public init(_ name: String, _ value: String) {
        self.name = name; self.value = value
    }
}

/// One SVG element: a name, ordered attributes, child elements and optional text content.
public struct SVGElement: Sendable, Equatable {
    /// Element name (`rect`, `g`, `text`, …).
    public var name: String
    /// Attributes in output order.
    public var attributes: [SVGAttribute]
    /// Child elements.
    public var children: [SVGElement]
    /// Text content (escaped on output), written before any children.
    public var text: String?

    /// An element with string attributes in the given order.
    public init(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], children: [SVGElement] = [],
                text: String? = nil) {
        self.name = name
        self.attributes = attributes.map { SVGAttribute($0.key, $0.value) }
        self.children = children
        self.text = text
    }

    /// Sets `name` to `value`, replacing an existing attribute of that name in place.
    public mutating func set(_ name: String, _ value: String) {
        if let i = attributes.firstIndex(where: { $0.name == name }) {
            attributes[i].value = value
        } else {
            attributes.append(SVGAttribute(name, value))
        }
    }

    /// This element with `name` set to `value`.
    public func with(_ name: String, _ value: String) -> SVGElement {
        var copy = self
        copy.set(name, value)
        return copy
    }

    /// The value of attribute `name`, if set.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Appends the element's XML to `out`, one element per line; a `<text>`'s children (its `<tspan>` runs) stay on
    /// its line, since white space between them would show as spaces.
    public func write(to out: inout String) {
        write(to: &out, inline: false)
    }

    private func write(to out: inout String, inline: Bool) {
        out += "<" + name
        for a in attributes {
            out += " " + a.name + "=\"" + SVGText.escape(a.value) + "\""
        }
        let end = inline ? "" : "\n"
        if children.isEmpty, text == nil {
            out += "/>" + end
            return
        }
        out += ">"
        if let text { out += SVGText.escape(text) }
        if !children.isEmpty {
            let inlineChildren = inline || name == "text"
            if !inlineChildren { out += "\n" }
            for child in children { child.write(to: &out, inline: inlineChildren) }
        }
        out += "</" + name + ">" + end
    }
}
