import ArgumentParser
import Foundation
import Reporting
import Scenarios
import TextIO

/// `uptake slurm`: the sbatch scripts that run a batch as a Slurm job array and merge it.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write sbatch scripts that run a batch as a Slurm job array, then merge it.",
        discussion: """
            Loads every scenario (a bad file stops here, exit 2, before anything is submitted) and \
            writes two scripts to <out>/slurm/: array.sbatch, a job array of --shards tasks whose \
            task i runs `uptake run INPUTS --shard i/N --out <out>/shard-i`, and merge.sbatch, \
            which runs `uptake merge <out>/shard-* --out <out>`. Prints their paths, one a line. \
            scripts/slurm-run.sh submits both (the merge with --dependency=afterok on the array) \
            and prints the job ids. Jobs start in the current folder, so paths stay as given; the \
            uptake executable, the inputs and <out> must be on a file system every node sees.

            Shards take the scenarios round-robin in the order of their sorted ids (see uptake \
            run --shard), so they differ in size by at most one scenario.

            Example:
              uptake slurm Scenarios/ --shards 4 --out Results --partition short --time 0:20:00
              scripts/slurm-run.sh Scenarios/ --shards 4 --out Results    # writes and submits
            """
    )

    @Argument(help: "Scenario files or folders of them.")
    var inputs: [String]

    @Option(help: "Number of array tasks (shards), 1…1000.")
    var shards: Int

    @Option(help: "Folder for the merged results; the shards go to <out>/shard-i, the scripts and logs to <out>/slurm.")
    var out: String = "Results"

    @Option(help: "Slurm partition (sbatch --partition); default: the cluster's default partition.")
    var partition: String?

    @Option(help: "Time limit of each task and of the merge (sbatch --time, e.g. 0:30:00).")
    var time: String?

    @Option(help: "CPUs per task (sbatch --cpus-per-task); each task runs with --jobs of this many.")
    var cpusPerTask = 1

    @Option(help: "The uptake executable the jobs run (default: this one).")
    var uptake: String?

    /// --paths and --seed are passed to every task's `uptake run`.
    @OptionGroup var simulation: SimulationOptions

    func validate() throws {
        guard (1...1000).contains(shards) else {
            throw ValidationError("--shards must be between 1 and 1000 (the local test cluster's MaxArraySize is 1001), got \(shards).")
        }
        guard cpusPerTask >= 1 else { throw ValidationError("--cpus-per-task must be at least 1, got \(cpusPerTask).") }
        try simulation.check()
        if simulation.jobs != nil {
            throw ValidationError("each task runs with --jobs $SLURM_CPUS_PER_TASK: give --cpus-per-task instead of --jobs.")
        }
    }

    func run() throws {
        // The batch as the tasks will see it: every file must load.
        var ids: [String] = []
        let batch = ScenarioBatch(paths: simulation.paths, seed: simulation.seed, jobs: 1)
        let status = try batch.forEachScenario(inputs, onFailure: { printError("error: \($0)") }) { scenario, _, _, _ in
            ids.append(scenario.id)
            return .success
        }
        if status != .success {
            printError("uptake: nothing written: fix the files above (uptake validate) before submitting the batch")
            throw ExitCode(status.rawValue)
        }
        let results = ResultsFolder(out)
        try results.checkUsable()
        var scripts = SlurmJobScripts(uptake: try executable(), inputs: inputs, shards: shards, out: out,
                                      workingDirectory: FileManager.default.currentDirectoryPath)
        scripts.partition = partition
        scripts.time = time
        scripts.cpusPerTask = cpusPerTask
        scripts.runOptions = (simulation.paths.map { ["--paths", String($0)] } ?? [])
            + (simulation.seed.map { ["--seed", String($0)] } ?? [])
        scripts.toolVersion = Uptake.version
        do {
            try FileManager.default.createDirectory(atPath: scripts.logFolder, withIntermediateDirectories: true)
            try AtomicFile.write(scripts.array, to: scripts.arrayPath)
            try AtomicFile.write(scripts.merge, to: scripts.mergePath)
        } catch {
            throw InputError("cannot write the scripts to \(scripts.scriptFolder): \(error.localizedDescription)")
        }
        let small = ids.count / shards, large = (ids.count + shards - 1) / shards
        printError("uptake: \(ids.count) scenarios in \(shards) shards of \(small == large ? "\(small)" : "\(small)–\(large)")"
            + (ids.count < shards ? " (\(shards - ids.count) empty)" : "") + "; submit with scripts/slurm-run.sh or:")
        printError("  jid=$(sbatch --parsable \(scripts.arrayPath)); sbatch --dependency=afterok:$jid --kill-on-invalid-dep=yes \(scripts.mergePath)")
        print(scripts.arrayPath)
        print(scripts.mergePath)
    }

    /// --uptake, else this process's executable, as an absolute path.
    func executable() throws -> String {
        if let uptake { return uptake.hasPrefix("/") ? uptake : FileManager.default.currentDirectoryPath + "/" + uptake }
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let argument = CommandLine.arguments[0]
        guard argument.contains("/") else {
            throw InputError("cannot tell where this uptake executable is; give it with --uptake PATH")
        }
        return URL(fileURLWithPath: argument).standardizedFileURL.path
    }
}
