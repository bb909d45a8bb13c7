// swift-tools-version: 6.0
import PackageDescription

/// The engine, the theory, the kit and the papers are optimised in debug builds too: tests train networks, fit DSA
/// and integrate ODEs through them, about five times slower at -Onone. Only the thin layers above (RNNDynamics, the
/// CLI, the tests) keep -Onone and debuggability. Release flags are SwiftPM's own.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "RNNDynamics",
    products: [
        .library(name: "RNNDynamics", targets: ["RNNDynamics"]),
        .executable(name: "rnndyn", targets: ["rnndyn"]),
        .executable(name: "rnndyn-bench", targets: ["rnndyn-bench"]),
        // libRNNDynC.so: the C interface (Sources/RNNDynC/rnndyn.h) Python and any language with a C FFI call in-process.
        .library(name: "RNNDynC", type: .dynamic, targets: ["RNNDynC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLapacke", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev"])]),
        // The hot kernels are optimised in debug builds too: at -O0 their AVX2 intrinsics are function calls with
        // spills, and tests that train networks spend most of their time there (release flags are SwiftPM's own).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        .target(name: "CSystem"),
        .target(
            name: "Linalg",
            dependencies: ["COpenBLAS", "CLapacke", "CKernels", .product(name: "Numerics", package: "swift-numerics")], swiftSettings: optimizedInDebug),
        .target(name: "SequenceData", dependencies: ["Linalg", "CKernels", .product(name: "Numerics", package: "swift-numerics")], swiftSettings: optimizedInDebug),
        .target(
            name: "Networks",
            dependencies: ["Linalg", "SequenceData", "CKernels", .product(name: "Numerics", package: "swift-numerics")], swiftSettings: optimizedInDebug),
        .target(name: "Tasks", dependencies: ["Linalg", "SequenceData", .product(name: "Numerics", package: "swift-numerics")], swiftSettings: optimizedInDebug),
        .target(name: "Training", dependencies: ["Linalg", "SequenceData", "Networks", "Theory"], swiftSettings: optimizedInDebug),
        .target(name: "Theory", dependencies: ["Linalg", .product(name: "Numerics", package: "swift-numerics")], swiftSettings: optimizedInDebug),
        .target(name: "Analysis", dependencies: ["Linalg", "Networks", "Training", .product(name: "Numerics", package: "swift-numerics")], swiftSettings: optimizedInDebug),
        .target(name: "DataIO", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "FigureData"),
        .target(name: "Plot", dependencies: ["FigureData"]),
        .target(
            name: "ExperimentKit",
            dependencies: ["Linalg", "Analysis", "FigureData", "DataIO", .product(name: "Yams", package: "Yams")], swiftSettings: optimizedInDebug),
        .target(
            name: "Proca2025",
            dependencies: ["Linalg", "Networks", "Tasks", "Training", "Theory", "Analysis", "ExperimentKit",
                           .product(name: "Numerics", package: "swift-numerics")], swiftSettings: optimizedInDebug),
        .target(
            name: "Bordelon2025",
            dependencies: ["Linalg", "Networks", "Tasks", "Training", "Theory", "Analysis", "ExperimentKit",
                           .product(name: "Numerics", package: "swift-numerics")], swiftSettings: optimizedInDebug),
        .target(
            name: "Huang2025",
            dependencies: ["Linalg", "SequenceData", "Networks", "Tasks", "Training", "Analysis", "ExperimentKit", "FigureData"], swiftSettings: optimizedInDebug),
        .target(name: "Papers", dependencies: ["ExperimentKit", "Proca2025", "Bordelon2025", "Huang2025"]),
        .target(
            name: "Report",
            dependencies: ["Linalg", "FigureData", "DataIO", "Plot", "ExperimentKit"]),
        .target(name: "RNNDynamics",
                dependencies: ["CSystem", "Linalg", "SequenceData", "Networks", "Tasks", "Training", "Theory", "Analysis",
                               "DataIO", "FigureData", "Plot", "ExperimentKit", "Proca2025", "Bordelon2025", "Huang2025", "Papers", "Report"]),
        .target(name: "RNNDynC", dependencies: ["RNNDynamics"], exclude: ["rnndyn.h"]),
        .executableTarget(
            name: "rnndyn",
            dependencies: ["RNNDynamics", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "rnndyn-bench", dependencies: ["RNNDynamics"], path: "bench/Sources/rnndyn-bench"),
        .testTarget(
            name: "RNNDynamicsTests",
            dependencies: ["RNNDynamics", "RNNDynC", "CKernels", .product(name: "Numerics", package: "swift-numerics")]),
    ]
)
