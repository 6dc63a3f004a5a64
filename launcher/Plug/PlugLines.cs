using System.Globalization;
using System.Text.RegularExpressions;

namespace CapOS.Launcher.Plug;

/// <summary>
/// The serial contract of the checkpoint and the in-kernel mutator that the campaign relies on (docs/plug.md,
/// "Serial contract"). Lines are matched by their start, so the kernel may append fields.
/// </summary>
public static partial class PlugLines
{
    /// <summary>The kernel command line word that starts the mutator; the interval follows as a word.</summary>
    public const string MutatorWord = "mutator";

    /// <summary><c>checkpoint: recovered seq=N slot=S log-objects=E restart=P</c>.</summary>
    [GeneratedRegex(@"^checkpoint: recovered seq=(?<seq>\d+) slot=(?<slot>[01]) log-objects=(?<objects>\d+) restart=(?<restart>\d+)")]
    public static partial Regex Recovered();

    /// <summary><c>mutator: recovered seq=N step=S digest=D invariant=ok</c> (contract K2; the digest is
    /// optional here so that a kernel without it is told apart from a missing line).</summary>
    [GeneratedRegex(@"^mutator: recovered seq=(?<seq>\d+) step=(?<step>\d+)(?: digest=(?<digest>[0-9a-f]{16}))? invariant=ok")]
    public static partial Regex MutatorRecovered();

    /// <summary><c>mutator: snapshot seq=N step=S digest=D</c> (contract K1).</summary>
    [GeneratedRegex(@"^mutator: snapshot seq=(?<seq>\d+) step=(?<step>\d+) digest=(?<digest>[0-9a-f]{16})")]
    public static partial Regex MutatorSnapshot();

    /// <summary><c>proc: &lt;pid&gt; resumed root=0x&lt;oid&gt; ...</c>: a process of the restart list runs again (docs/process.md).</summary>
    [GeneratedRegex(@"^proc: (?<pid>\d+) resumed root=0x(?<root>[0-9a-f]+)")]
    public static partial Regex Resumed();

    /// <summary><c>proc: cannot resume root=0x&lt;oid&gt;: why</c> without "stays on the restart list" (a deferred
    /// process is resumed later): the process is lost.</summary>
    [GeneratedRegex(@"^proc: cannot resume root=0x(?<root>[0-9a-f]+): (?!.*stays on the restart list)")]
    public static partial Regex CannotResume();

    /// <summary><c>user[&lt;pid&gt;]: workload: step=S digest=D</c>: the ring-3 workload finished step S (userspace/PlugWorkload).</summary>
    [GeneratedRegex(@"^user\[(?<pid>\d+)\]: workload: step=(?<step>\d+) digest=(?<digest>[0-9a-f]{16})")]
    public static partial Regex WorkloadStep();

    /// <summary><c>user[&lt;pid&gt;]: services: audit ok ...</c>: the bank server's audit passed (userspace/ServicesWorkload).</summary>
    [GeneratedRegex(@"^user\[(?<pid>\d+)\]: services: audit ok")]
    public static partial Regex ServicesAudit();

    /// <summary><c>fault: process &lt;pid&gt; ...; parked</c>: a user process faulted (not a failure of the kernel; of a
    /// workload process, a failure of the campaign).</summary>
    [GeneratedRegex(@"^fault: process (?<pid>\d+) ")]
    public static partial Regex ProcessFault();

    /// <summary><c>checkpoint: snapshot seq=N ...</c>.</summary>
    [GeneratedRegex(@"^checkpoint: snapshot seq=(?<seq>\d+)")]
    public static partial Regex Snapshot();

    /// <summary><c>checkpoint: stopped seq=N: reason; last committed seq=M</c> (contract K4).</summary>
    [GeneratedRegex(@"^checkpoint: stopped")]
    public static partial Regex Stopped();

    /// <summary><c>checkpoint: write error seq=N what=W try=t (disk error e)</c> (contract K4).</summary>
    [GeneratedRegex(@"^checkpoint: write error")]
    public static partial Regex WriteError();

    /// <summary>The copy-on-write count of a <c>committed</c> line (contract K3).</summary>
    [GeneratedRegex(@"^checkpoint: committed seq=\d+ .*\bcow=(?<cow>\d+)")]
    public static partial Regex CommittedCow();

    /// <summary>Any checkpoint line (K1 requires the mutator's snapshot line before the next one).</summary>
    [GeneratedRegex(@"^checkpoint: ")]
    public static partial Regex AnyCheckpointLine();

    /// <summary><c>checkpoint: snapshot|stabilize|committed|migrate|migrated seq=N ...</c>.</summary>
    [GeneratedRegex(@"^checkpoint: (?<what>snapshot|stabilize|committed|migrate|migrated) seq=(?<seq>\d+)")]
    public static partial Regex Progress();

    /// <summary>A line that fails the campaign: recovery refused, a broken invariant of the mutator or of a
    /// workload process or a services check (<c>services: FAIL</c>), a failed consistency check or checkpoint, a kernel panic, a kernel exception. A user
    /// process's fault report (<c>fault: process ...</c>) is the kernel working as designed, not a failure here
    /// (the user workload's judge fails a workload process's fault).</summary>
    [GeneratedRegex(@"^(store: cannot boot:|mutator: invariant broken:|user\[\d+\]: workload: invariant broken|user\[\d+\]: services: FAIL|checkpoint: check failed:|checkpoint: failed|checkpoint: header write failed|PANIC:|EXCEPTION )")]
    public static partial Regex Failure();

    /// <summary>The guest's exit value when recovery is refused (<c>store: cannot boot</c>).</summary>
    public const int CannotBootExitValue = 4;

    /// <summary>The object cache of a campaign boot, in pages and in nodes: small enough that the mutator's
    /// structure is evicted and faulted back during every run (contract K5).</summary>
    public const int CacheObjects = 64;

    /// <summary>The kernel command line for a campaign boot (contract K5): the mutator's word only for the kernel workload.</summary>
    public static string CommandLine(int checkpointIntervalMs, PlugWorkload workload) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{(workload == PlugWorkload.Kernel ? MutatorWord + " " : "")}checkpoint-interval-ms={checkpointIntervalMs} cache-pages={CacheObjects} cache-nodes={CacheObjects}");

    /// <summary>The phase a checkpoint progress word starts.</summary>
    public static CheckpointPhase PhaseAfter(string what) =>
        what switch
        {
            "snapshot" => CheckpointPhase.Snapshot,
            "stabilize" => CheckpointPhase.Stabilize,
            "committed" => CheckpointPhase.Commit,
            "migrate" => CheckpointPhase.Migrate,
            _ => CheckpointPhase.Idle,
        };

    /// <summary>A snapshot line (group dirty) or the line that starts <paramref name="phase"/>; group seq.</summary>
    public static Regex SnapshotOrPhaseStart(CheckpointPhase phase) =>
        new(@"^checkpoint: (snapshot seq=(?<seq>\d+) dirty=(?<dirty>\d+)|" + PhaseWord(phase) + @" seq=(?<seq>\d+))",
            RegexOptions.CultureInvariant);

    private static string PhaseWord(CheckpointPhase phase) =>
        phase switch
        {
            CheckpointPhase.Snapshot => "snapshot",
            CheckpointPhase.Stabilize => "stabilize",
            CheckpointPhase.Commit => "committed",
            CheckpointPhase.Migrate => "migrate",
            _ => "migrated",
        };

    /// <summary>The regular expression of the line that starts <paramref name="phase"/> (for timed cuts).</summary>
    public static Regex PhaseStart(CheckpointPhase phase) =>
        new(phase switch
        {
            CheckpointPhase.Snapshot => "^checkpoint: snapshot seq=",
            CheckpointPhase.Stabilize => "^checkpoint: stabilize seq=",
            CheckpointPhase.Commit => "^checkpoint: committed seq=",
            CheckpointPhase.Migrate => "^checkpoint: migrate seq=",
            _ => "^checkpoint: migrated seq=",
        }, RegexOptions.CultureInvariant);
}
