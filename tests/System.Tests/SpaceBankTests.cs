using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;
using Xunit.Abstractions;

namespace CapOS.SystemTests;

/// <summary>
/// The space bank (system/bank.sys, userspace/SpaceBank, userspace/BankTest; docs/services.md "Space bank"):
/// BankTest runs every order with good and bad arguments against the server and prints <c>bank: ok</c> or the
/// first check that failed; then it churns (reclaim one of 8 held pages, allocate another, check everything),
/// which the second test interrupts by killing QEMU and checks again after recovery.
/// </summary>
public sealed class SpaceBankTests(ITestOutputHelper output)
{
    private const string Fail = @"^user\[\d+\]: bank: FAIL .*$";
    private const string Step = @"^user\[\d+\]: bank: churn step=(?<step>\d+)$";

    [Fact]
    public async Task EveryOrderAnswersAsTheProtocolSays()
    {
        using ScratchDisk disk = ScratchDisk.Of("bank.img");
        await using QemuMachine machine = await Boot.KernelAsync("", disk.Path);
        Match line = await machine.WaitForLineAsync(@"^user\[\d+\]: bank: (ok|FAIL .*)$", Boot.Timeout * 4);
        Assert.True(line.Value.EndsWith("bank: ok", System.StringComparison.Ordinal), Boot.Failure(machine));
        Match ticks = await machine.WaitForLineAsync(@"^user\[\d+\]: bank: alloc\+reclaim ticks=(?<ticks>\d+)$", Boot.Timeout);
        await machine.WaitForLineAsync(Step, Boot.Timeout);
        await machine.KillAsync();
        output.WriteLine($"allocate + reclaim of one page: {ticks.Groups["ticks"].Value} TSC ticks (TCG)");
    }

    /// <summary>
    /// Killed during the churn after a checkpoint committed, the system resumes and the churn goes on with every
    /// check passing: each page the client was told it owns is still owned (the bank reclaims it), reclaimed ones
    /// read void, and both banks count exactly what the client holds.
    /// </summary>
    [Fact]
    public async Task TheAccountingSurvivesAKillDuringTheChurn()
    {
        using ScratchDisk disk = ScratchDisk.Of("bank.img");
        long before;
        await using (QemuMachine first = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path))
        {
            await first.WaitForLineAsync(@"^user\[\d+\]: bank: churn step=20$", Boot.Timeout * 4);
            long committed = first.Serial.Lines.Select(l => Regex.Match(l, CheckpointContract.Committed)).Where(m => m.Success)
                .Select(m => CheckpointContract.Number(m, "seq")).DefaultIfEmpty(1).Max();
            await first.WaitForLineAsync($@"^checkpoint: committed seq={committed + 2} ", Boot.Timeout); // its snapshot was taken after step 20
            await first.KillAsync();
            Assert.DoesNotContain(first.Serial.Lines, l => Regex.IsMatch(l, Fail));
            before = first.Serial.Lines.Select(l => Regex.Match(l, Step)).Where(m => m.Success)
                .Max(m => long.Parse(m.Groups["step"].Value, CultureInfo.InvariantCulture));
        }

        await using QemuMachine second = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path);
        await second.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        Match resumed = await second.WaitForLineAsync(Step, Boot.Timeout);
        long resumedAt = long.Parse(resumed.Groups["step"].Value, CultureInfo.InvariantCulture);
        await second.WaitForLineAsync($@"^user\[\d+\]: bank: churn step={resumedAt + 10}$", Boot.Timeout * 2);
        await second.KillAsync();

        string log = Boot.Failure(second);
        Assert.DoesNotContain(second.Serial.Lines, l => Regex.IsMatch(l, Fail));
        Assert.DoesNotContain(second.Serial.Lines, l => l.Contains("bank: ok", System.StringComparison.Ordinal));
        Assert.True(resumedAt > 0 && resumedAt <= before + 1, $"the churn resumed at step {resumedAt}, not from a checkpoint before {before}\n{log}");
        output.WriteLine($"churned to step {before} before the kill; resumed at {resumedAt}");
    }
}
