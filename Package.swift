// swift-tools-version:6.0
import PackageDescription

// Layers (DESIGN.md): uptake (CLI) → Reporting → Scenarios → Forecasting → Fitting →
// LinearAlgebra → CLinearAlgebra, and Fitting → TextIO. Lower layers never import higher ones.
// TextIO is the one text-I/O layer, on Foundation alone: the CSV reader and its located errors
// (`file:line:column: message`) that every input file goes through, and the output side (text
// buffers, CSV writing, number format, JSON, atomic files).
//
// ForecastingAVX2 is Forecasting's four-lane Monte Carlo step built again for x86-64-v3 (AVX2,
// FMA); only programs import it, and they install it at start-up when the processor has it
// (LogisticLaneKernel.installIfSupported). KernelFloorAVX2 does the same for the benchmark's
// floor. Both are optimised in debug builds too: their content is an inlinable body that must
// be inlined and code-generated there, or the tests comparing the builds would compare one with
// itself. `#if arch` reads the host: a cross-compilation to another architecture must drop the
// flag by hand. On other architectures the modules are the portable build and never installed.
#if arch(x86_64)
let avx2Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"]), .unsafeFlags(["-O"], .when(configuration: .debug))]
#else
let avx2Settings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
#endif

let package = Package(
    name: "Uptake",
    products: [
        .executable(name: "uptake", targets: ["uptake"]),
        .library(name: "Fitting", targets: ["Fitting"]),
        .library(name: "Reporting", targets: ["Reporting"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "TextIO", targets: ["TextIO"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLinearAlgebra",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(
            name: "LinearAlgebra",
            dependencies: ["CLinearAlgebra"],
            // Swift's squareRoot() lowers to libm's sqrt, which nothing else pulls in.
            linkerSettings: [.linkedLibrary("m")]
        ),
        // renameat2(RENAME_EXCHANGE) for TextIO's FolderReplacement (not in the headers Swift
        // imports from the C library).
        .target(name: "CFileSystem"),
        .target(name: "TextIO", dependencies: ["CFileSystem"]),
        .target(name: "Fitting", dependencies: ["LinearAlgebra", "TextIO"]),
        .target(name: "Forecasting", dependencies: ["Fitting", "LinearAlgebra", "TextIO"]),
        .target(name: "ForecastingAVX2", dependencies: ["Forecasting"], swiftSettings: avx2Settings),
        .target(name: "Scenarios", dependencies: ["Forecasting", "Fitting", "TextIO", .product(name: "Yams", package: "Yams")]),
        .target(name: "Reporting", dependencies: ["Scenarios", "Forecasting", "Fitting", "TextIO"]),
        .executableTarget(
            name: "uptake",
            dependencies: [
                "Fitting", "Forecasting", "ForecastingAVX2", "Scenarios", "Reporting", "TextIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "KernelFloor", dependencies: ["Forecasting"], path: "Benchmarks/KernelFloor"),
        .target(name: "KernelFloorAVX2", dependencies: ["KernelFloor"], path: "Benchmarks/KernelFloorAVX2",
                swiftSettings: avx2Settings),
        .executableTarget(name: "UptakeBenchmark",
                          dependencies: ["Fitting", "Forecasting", "ForecastingAVX2", "KernelFloor", "KernelFloorAVX2", "LinearAlgebra"],
                          path: "Benchmarks/UptakeBenchmark"),
        // The String formatting the output writers replaced, kept as the reference their bytes
        // are checked against (by TextIOTests and ReportingTests).
        .target(name: "TextFormatReference", path: "Tests/TextFormatReference"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "TextIOTests", dependencies: ["TextIO", "TextFormatReference", "LinearAlgebra"]),
        .testTarget(name: "FittingTests", dependencies: ["Fitting", "LinearAlgebra", "TextIO"]),
        .testTarget(name: "ForecastingTests", dependencies: ["Forecasting", "ForecastingAVX2", "Fitting", "LinearAlgebra"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "Forecasting", "Fitting"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Scenarios", "Forecasting", "Fitting", "LinearAlgebra",
                                                          "TextIO", "TextFormatReference"]),
        // Hostile/: the hostile-input corpus (issue 14), files the tests run `uptake` on.
        .testTarget(name: "UptakeCLITests", dependencies: ["uptake", "TextIO"], exclude: ["Hostile"]),
    ]
)
