using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;
using Xunit.Abstractions;

namespace CapOS.SystemTests;

/// <summary>
/// The process creator, the metaconstructor and constructors (system/ctor.sys, userspace/ProcessCreator,
/// userspace/Constructor, userspace/CtorTest, userspace/CtorInstance; docs/services.md "Process creator",
/// "Constructor"). CtorTest runs every order with good and bad arguments and the discreet check and prints
/// <c>ctor: ok</c> or the first check that failed; then instances (<c>ctor: instance ok</c>); then it calls one
/// instance for ever (<c>ctor: tick n=N</c>, N counted by the instance in its own data page).
/// </summary>
public sealed class ConstructorTests(ITestOutputHelper output)
{
    private const string Fail = @"^user\[\d+\]: ctor: FAIL .*$";
    private const string Tick = @"^user\[\d+\]: ctor: tick n=(?<n>\d+)$";

    [Fact]
    public async Task EveryOrderAnswersAsTheProtocolSays()
    {
        using ScratchDisk disk = ScratchDisk.Of("ctor.img");
        await using QemuMachine machine = await Boot.KernelAsync("", disk.Path);
        Match line = await machine.WaitForLineAsync(@"^user\[\d+\]: ctor: (ok|FAIL .*)$", Boot.Timeout * 4);
        Assert.True(line.Value.EndsWith("ctor: ok", System.StringComparison.Ordinal), Boot.Failure(machine));
        Match instances = await machine.WaitForLineAsync(@"^user\[\d+\]: ctor: (instance ok|FAIL .*)$", Boot.Timeout * 4);
        Assert.True(instances.Value.EndsWith("ctor: instance ok", System.StringComparison.Ordinal), Boot.Failure(machine));
        await machine.KillAsync();
    }

    /// <summary>An instance lives in the store like any process: killed after a checkpoint, the system resumes and the instance goes on counting from where the checkpoint left it.</summary>
    [Fact]
    public async Task AnInstanceSurvivesAKillOfQemu()
    {
        using ScratchDisk disk = ScratchDisk.Of("ctor.img");
        long before;
        await using (QemuMachine first = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path))
        {
            await first.WaitForLineAsync(@"^user\[\d+\]: ctor: tick n=200$", Boot.Timeout * 6);
            long committed = first.Serial.Lines.Select(l => Regex.Match(l, CheckpointContract.Committed)).Where(m => m.Success)
                .Select(m => CheckpointContract.Number(m, "seq")).DefaultIfEmpty(1).Max();
            await first.WaitForLineAsync($@"^checkpoint: committed seq={committed + 2} ", Boot.Timeout);
            await first.KillAsync();
            Assert.DoesNotContain(first.Serial.Lines, l => Regex.IsMatch(l, Fail));
            before = first.Serial.Lines.Select(l => Regex.Match(l, Tick)).Where(m => m.Success)
                .Max(m => long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture));
        }

        await using QemuMachine second = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path);
        await second.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        Match resumed = await second.WaitForLineAsync(Tick, Boot.Timeout * 2);
        long resumedAt = long.Parse(resumed.Groups["n"].Value, CultureInfo.InvariantCulture);
        await second.KillAsync();

        string log = Boot.Failure(second);
        Assert.DoesNotContain(second.Serial.Lines, l => Regex.IsMatch(l, Fail));
        Assert.DoesNotContain(second.Serial.Lines, l => l.Contains("ctor: ok", System.StringComparison.Ordinal));
        Assert.True(resumedAt >= 200, $"the instance counted from {resumedAt} after recovery, not from its checkpointed count\n{log}");
        output.WriteLine($"ticked to {before} before the kill; {resumedAt} after recovery");
    }

    /// <summary>
    /// system/procbench.sys: ProcBench requests 100 instances of ProcExit, each from a fresh child bank; every instance
    /// runs (its line), destroys itself with its bank, and leaves nothing in the prime bank (ProcBench checks the counts);
    /// the row follows the lmbench line contract.
    /// </summary>
    [Fact]
    public async Task ProcessCreationPrintsItsRow()
    {
        using ScratchDisk disk = ScratchDisk.Of("procbench.img");
        await using QemuMachine machine = await Boot.KernelAsync("", disk.Path);
        Match row = await machine.WaitForLineAsync(@"^user\[\d+\]: (lmbench: row=proc-create n=(?<n>\d+) min-ticks=(?<min>\d+) median-ticks=(?<median>\d+)|procbench: FAIL .*)$", Boot.Timeout * 6);
        Assert.True(row.Groups["n"].Success, Boot.Failure(machine));
        await machine.WaitForLineAsync(@"^user\[\d+\]: lmbench: done$", Boot.Timeout);
        await machine.KillAsync();
        Assert.Equal(100, machine.Serial.Lines.Count(l => l.EndsWith("procbench: instance ran", System.StringComparison.Ordinal)));
        Assert.DoesNotContain(machine.Serial.Lines, l => l.Contains("FAIL", System.StringComparison.Ordinal));
        output.WriteLine($"process creation: min {row.Groups["min"].Value}, median {row.Groups["median"].Value} TSC ticks (TCG)");
    }
}
