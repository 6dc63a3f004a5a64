using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CapOS.Harness;
using CapOS.Kernel.Checkpoint;
using Xunit;

namespace CapOS.SystemTests;

/// <summary>
/// The store's serial lines (docs/boot.md "Serial contract", docs/recovery.md "Serial lines") and the checks
/// every refused boot must pass.
/// </summary>
internal static class StoreContract
{
    /// <summary><c>store: volume pages=N ranges=N</c>.</summary>
    public const string Volume = @"^store: volume pages=(?<pages>\d+) ranges=(?<ranges>\d+)$";

    /// <summary><c>checkpoint: recovered seq=N slot=N log-objects=N restart=N</c>.</summary>
    public const string Recovered = @"^checkpoint: recovered seq=(?<seq>\d+) slot=(?<slot>[01]) log-objects=(?<objects>\d+) restart=(?<restart>\d+)$";

    /// <summary><c>store: cache page-frames=N node-frames=N run=N KiB</c>.</summary>
    public const string Cache = @"^store: cache page-frames=(?<pages>\d+) node-frames=(?<nodes>\d+) run=(?<kib>\d+) KiB$";

    /// <summary><c>store: recovered in N us, N us after reset</c>.</summary>
    public const string RecoveredIn = @"^store: recovered in (?<us>\d+) us, (?<reset>\d+) us after reset$";

    /// <summary>The walk line; groups root, nodes, pages, digest, faults, evictions.</summary>
    public const string Walk =
        @"^walk: root=0x(?<root>[0-9a-f]+) nodes=(?<nodes>\d+) pages=(?<pages>\d+) digest=(?<digest>[0-9a-f]{16}) faults=(?<faults>\d+) evictions=(?<evictions>\d+)$";

    /// <summary>Any walk outcome (a digest or a failure).</summary>
    public const string WalkAny = @"^walk: root=";

    /// <summary><c>walk: took N us</c>.</summary>
    public const string WalkTook = @"^walk: took (?<us>\d+) us$";

    /// <summary>The refusal line, any fault.</summary>
    public const string CannotBoot = @"^store: cannot boot: (?<fault>.*)$";

    /// <summary>
    /// Waits for the refusal line, asserts it names <paramref name="fault"/> exactly, that the guest exits with
    /// <see cref="Store.CannotBootExitCode"/>, and that no exception or panic dump was printed.
    /// </summary>
    public static async Task AssertRefusedAsync(QemuMachine machine, string fault)
    {
        Match refused = await machine.WaitForLineAsync(CannotBoot, Boot.Timeout);
        Assert.True(refused.Groups["fault"].Value == fault,
            $"expected the refusal to name \"{fault}\", got \"{refused.Groups["fault"].Value}\"\n{Boot.Failure(machine)}");
        await Boot.AssertExitValueAsync(machine, Store.CannotBootExitCode);
        string log = machine.Serial.Log;
        Assert.True(!log.Contains("EXCEPTION ", System.StringComparison.Ordinal) && !log.Contains("PANIC", System.StringComparison.Ordinal)
            && !log.Contains("checkpoint: recovered", System.StringComparison.Ordinal) && !log.Contains("proc: ", System.StringComparison.Ordinal),
            "a refused boot recovers nothing, starts no process and dumps no fault\n" + Boot.Failure(machine));
    }
}
