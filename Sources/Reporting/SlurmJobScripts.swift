import Foundation

/// The two sbatch scripts of `uptake slurm` (docs/scale.md): a job array whose task i runs
/// shard i of n of the batch into `<out>/shard-i`, and a merge job — submitted with
/// `--dependency=afterok:<array job id>` — that joins them into `<out>`.
///
///     let scripts = SlurmJobScripts(uptake: "/opt/uptake/bin/uptake", inputs: ["Scenarios/"], shards: 4,
///                                   out: "Results", workingDirectory: "/home/planner/uptake")
///     scripts.array    // #SBATCH --array=1-4 … uptake run Scenarios/ --shard "$SLURM_ARRAY_TASK_ID/4" …
///     scripts.merge    // uptake merge Results/shard-* --out Results
///
/// Paths stay as the user gave them and every job starts in `workingDirectory`
/// (`#SBATCH --chdir`), so each run.json names its input exactly as one `uptake run` there
/// would. Slurm writes the jobs' output to `<out>/slurm/logs/` (the folder must exist before
/// the jobs start: `uptake slurm` creates it).
public struct SlurmJobScripts: Sendable {
    public var uptake: String
    public var inputs: [String]
    public var shards: Int
    public var out: String
    public var workingDirectory: String
    public var partition: String?
    public var time: String?
    public var cpusPerTask = 1
    /// Passed to every `uptake run` (e.g. ["--paths", "1000000", "--seed", "7"]).
    public var runOptions: [String] = []
    public var toolVersion = ""

    public init(uptake: String, inputs: [String], shards: Int, out: String, workingDirectory: String) {
        self.uptake = uptake; self.inputs = inputs; self.shards = shards; self.out = out
        self.workingDirectory = workingDirectory
    }

    /// `<out>/slurm`, where the scripts go.
    public var scriptFolder: String { Self.join(out, "slurm") }
    public var logFolder: String { Self.join(scriptFolder, "logs") }
    public var arrayPath: String { Self.join(scriptFolder, "array.sbatch") }
    public var mergePath: String { Self.join(scriptFolder, "merge.sbatch") }

    public var array: String {
        let command = [Self.quoted(uptake), "run"] + inputs.map(Self.quoted)
            + ["--shard", "\"$SLURM_ARRAY_TASK_ID/\(shards)\"", "--out", Self.quoted(Self.join(out, "shard-")) + "\"$SLURM_ARRAY_TASK_ID\"",
               "--jobs", "\"${SLURM_CPUS_PER_TASK:-1}\""] + runOptions.map(Self.quoted)
        return header(
            comment: """
                # Task i (1…\(shards), $SLURM_ARRAY_TASK_ID) forecasts shard i of \(shards) of the batch into \
                \(out)/shard-i; \(mergePath) then joins the shards into \(out). Results depend on the \
                scenarios, seed and paths only, so the merged folder is what one `uptake run` writes.
                """,
            directives: ["--job-name=uptake-run", "--array=1-\(shards)", "--cpus-per-task=\(cpusPerTask)",
                         "--output=\(Self.join(logFolder, "run-%A_%a.out"))"])
            + "exec " + command.joined(separator: " ") + "\n"
    }

    public var merge: String {
        let command = [Self.quoted(uptake), "merge", Self.quoted(Self.join(out, "shard-")) + "*", "--out", Self.quoted(out)]
        return header(
            comment: """
                # Submitted with --dependency=afterok:<array job id>: runs when every task of \
                \(arrayPath) has succeeded, and joins \(out)/shard-1…\(shards) into \(out).
                """,
            directives: ["--job-name=uptake-merge", "--cpus-per-task=1", "--output=\(Self.join(logFolder, "merge-%j.out"))"])
            + "exec " + command.joined(separator: " ") + "\n"
    }

    private func header(comment: String, directives: [String]) -> String {
        var lines = ["#!/bin/bash",
                     "# Written by `uptake slurm`" + (toolVersion.isEmpty ? "" : " (uptake \(toolVersion))") + "; submit both with "
                        + "scripts/slurm-run.sh, or by hand:",
                     "#   jid=$(sbatch --parsable \(arrayPath))",
                     "#   sbatch --dependency=afterok:$jid --kill-on-invalid-dep=yes \(mergePath)",
                     comment]
        var all = directives + ["--chdir=\(workingDirectory)"]
        if let partition { all.append("--partition=\(partition)") }
        if let time { all.append("--time=\(time)") }
        lines += all.map { "#SBATCH \($0)" }
        lines += ["set -euo pipefail"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// A word for bash: unchanged when it is made of safe characters, else in single quotes.
    static func quoted(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !word.isEmpty && word.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
