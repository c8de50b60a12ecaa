import Foundation

/// Runs a built product of this package (e.g. `uptake`) the way a user would, in a child
/// process, and captures what the user would see: standard output, standard error and the
/// exit code.
///
///     let result = try ExecutableRunner.run("uptake", ["--version"])
///     XCTAssertEqual(result.exitCode, 0)
///
/// The executable is found the way swift-argument-parser's own end-to-end tests find theirs:
/// in the products directory that holds the test bundle (`.build/debug` for `swift test`).
/// `UPTAKE_EXECUTABLE=/path/to/uptake` overrides the location of `uptake`, e.g. to examine a
/// release build.
enum ExecutableRunner {
    struct Result {
        let stdout: String
        let stderr: String
        /// The exit status, or the signal's number when `signalled`.
        let exitCode: Int32
        /// Whether a signal ended the process (a crash: SIGSEGV, SIGILL from a trap, …).
        var signalled = false
    }

    enum Failure: Error, CustomStringConvertible {
        case notBuilt(URL)
        case timedOut(command: [String], seconds: Double)

        var description: String {
            switch self {
            case .notBuilt(let url):
                return "No executable at '\(url.path)': build it first (swift build)."
            case .timedOut(let command, let seconds):
                return "'\(command.joined(separator: " "))' did not finish within \(seconds) s."
            }
        }
    }

    private final class BundleToken {}

    /// The directory holding the test bundle and the package's executables.
    static var productsDirectory: URL {
        // On Darwin Bundle(for:) is the .xctest bundle; on Linux it is the main bundle, whose
        // URL is the directory of the test runner executable (itself named *.xctest).
        let bundleURL = Bundle(for: BundleToken.self).bundleURL
        return bundleURL.lastPathComponent.hasSuffix("xctest")
            ? bundleURL.deletingLastPathComponent()
            : bundleURL
    }

    /// The URL of the named product, honouring `UPTAKE_EXECUTABLE` for `uptake`.
    static func executableURL(_ name: String) -> URL {
        let environment = ProcessInfo.processInfo.environment
        if name == "uptake", let override = environment["UPTAKE_EXECUTABLE"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return productsDirectory.appendingPathComponent(name)
    }

    /// Runs `name arguments...` and waits for it, at most `timeout` seconds, in
    /// `currentDirectory` when given (else in the test process's working directory).
    /// `executable` runs another program than the product `name` (e.g. `/usr/bin/script`).
    ///
    /// Output goes to temporary files rather than pipes so that a chatty child can never
    /// block on a full pipe buffer while we wait for it.
    static func run(
        _ name: String,
        _ arguments: [String],
        timeout: Double = 300,
        currentDirectory: URL? = nil,
        environment extra: [String: String] = [:],
        executable: URL? = nil
    ) throws -> Result {
        let executable = executable ?? executableURL(name)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw Failure.notBuilt(executable)
        }
        return try run(executable: executable, arguments, timeout: timeout, currentDirectory: currentDirectory,
                       environment: extra)
    }

    /// Runs any program (e.g. headless Chromium, or a Python) the same way.
    static func run(
        executable: URL,
        _ arguments: [String],
        timeout: Double = 300,
        currentDirectory: URL? = nil,
        environment extra: [String: String] = [:]
    ) throws -> Result {

        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("uptake-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stdoutURL = scratch.appendingPathComponent("stdout")
        let stderrURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        if !extra.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        try process.run()

        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            usleep(5_000)
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            try? stdoutHandle.close()
            try? stderrHandle.close()
            throw Failure.timedOut(command: [executable.lastPathComponent] + arguments, seconds: timeout)
        }
        process.waitUntilExit()
        try? stdoutHandle.close()
        try? stderrHandle.close()

        return Result(
            stdout: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self),
            exitCode: process.terminationStatus,
            signalled: process.terminationReason == .uncaughtSignal
        )
    }
}
