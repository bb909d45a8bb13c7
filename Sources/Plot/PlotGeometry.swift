/// A point in data or pixel coordinates.
struct PlotPoint: Equatable {
    /// Horizontal coordinate.
    var x: Double
    /// Vertical coordinate.
    var y: Double
}

/// An axis-aligned rectangle in pixels (y grows downwards).
struct PlotRect: Equatable {
    /// Left edge.
    var x: Double
    /// Top edge.
    var y: Double
    /// Width.
    var width: Double
    /// Height.
    var height: Double

    /// Right edge.
    var right: Double { x + width }
    /// Bottom edge.
    var bottom: Double { y + height }
    /// Horizontal centre.
    var midX: Double { x + width / 2 }
    /// Vertical centre.
    var midY: Double { y + height / 2 }

    /// Whether `p` lies inside the rectangle grown by `margin` on every side.
    func contains(_ p: PlotPoint, margin: Double = 0) -> Bool {
        p.x >= x - margin && p.x <= right + margin && p.y >= y - margin && p.y <= bottom + margin
    }
}
