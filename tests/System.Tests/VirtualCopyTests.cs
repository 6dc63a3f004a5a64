using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;
using Xunit.Abstractions;

namespace CapOS.SystemTests;

/// <summary>
/// The virtual copy keeper (system/vcsk.sys, system/heapbench.sys, userspace/VirtualCopy, userspace/VirtualCopyTest;
/// docs/services.md "Virtual copy keeper"). The driver runs every maker order with good and bad arguments, makes a
/// child's space a virtual copy of itself and checks copy-on-write, demand zero, heap growth, freeze, a bank running
/// out and destroy, and prints <c>vcsk: ok</c> or the first check that failed; the grower then writes fresh pages,
/// which the second test interrupts by killing QEMU.
/// </summary>
public sealed class VirtualCopyTests(ITestOutputHelper output)
{
    private const string Fail = @"^user\[\d+\]: (vcsk|vcsk-grow): FAIL .*$";
    private const string Grown = @"^user\[\d+\]: vcsk-grow: pages=(?<pages>\d+)$";

    [Fact]
    public async Task EveryOrderAnswersAsTheProtocolSaysAndCopiesLeaveTheTemplateAlone()
    {
        using ScratchDisk disk = ScratchDisk.Of("vcsk.img");
        await using QemuMachine machine = await Boot.KernelAsync("", disk.Path);
        Match line = await machine.WaitForLineAsync(@"^user\[\d+\]: vcsk: (ok|FAIL .*)$", Boot.Timeout * 6);
        Assert.True(line.Value.EndsWith("vcsk: ok", System.StringComparison.Ordinal), Boot.Failure(machine));
        await machine.WaitForLineAsync(@"^user\[\d+\]: vcsk-grow: pages=64$", Boot.Timeout * 2);
        await machine.KillAsync();
        string log = Boot.Failure(machine);
        Assert.Contains(machine.Serial.Lines, l => Regex.IsMatch(l, @"^user\[\d+\]: vcsk: fault not served address=0x00005[0-9a-f]{11} \(write\) result=9: the process stays parked$"));
        string faults = machine.Serial.Lines.First(l => l.Contains("vcsk: faults served=", System.StringComparison.Ordinal));
        output.WriteLine(faults);
        Assert.DoesNotContain(machine.Serial.Lines, l => Regex.IsMatch(l, Fail));
        Assert.True(log.Length > 0);
    }

    /// <summary>
    /// Killed while the grower's faults are being served (after a checkpoint committed), the system resumes: the keeper
    /// finishes or redoes the fault it was in, the grower goes on, and every page it wrote before holds its number.
    /// </summary>
    [Fact]
    public async Task TheGrowerGoesOnAfterAKillWhileItsFaultsAreServed()
    {
        using ScratchDisk disk = ScratchDisk.Of("vcsk.img");
        long before;
        await using (QemuMachine first = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path))
        {
            await first.WaitForLineAsync(@"^user\[\d+\]: vcsk-grow: pages=128$", Boot.Timeout * 6);
            long committed = first.Serial.Lines.Select(l => Regex.Match(l, CheckpointContract.Committed)).Where(m => m.Success)
                .Select(m => CheckpointContract.Number(m, "seq")).DefaultIfEmpty(1).Max();
            await first.WaitForLineAsync($@"^checkpoint: committed seq={committed + 2} ", Boot.Timeout * 2);
            await first.KillAsync();
            Assert.DoesNotContain(first.Serial.Lines, l => Regex.IsMatch(l, Fail));
            before = first.Serial.Lines.Select(l => Regex.Match(l, Grown)).Where(m => m.Success)
                .Max(m => long.Parse(m.Groups["pages"].Value, CultureInfo.InvariantCulture));
        }

        await using QemuMachine second = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path);
        await second.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        Match resumed = await second.WaitForLineAsync(Grown, Boot.Timeout * 4);
        long resumedAt = long.Parse(resumed.Groups["pages"].Value, CultureInfo.InvariantCulture);
        await second.WaitForLineAsync($@"^user\[\d+\]: vcsk-grow: pages={resumedAt + 128}$", Boot.Timeout * 4);
        await second.KillAsync();

        string log = Boot.Failure(second);
        Assert.DoesNotContain(second.Serial.Lines, l => Regex.IsMatch(l, Fail));
        Assert.DoesNotContain(second.Serial.Lines, l => l.Contains("vcsk: ok", System.StringComparison.Ordinal));
        Assert.True(resumedAt <= before + 64, $"the grower resumed at {resumedAt} pages, not from a checkpoint before {before}\n{log}");
        output.WriteLine($"grown to {before} pages before the kill; the first line after recovery: {resumedAt}");
    }

    /// <summary>Heap growth (system/heapbench.sys): both lmbench lines (per mapping, lat_mmap's work; per page, EROS'99's) and the keeper's cost per fault.</summary>
    [Fact]
    public async Task HeapGrowthIsMeasured()
    {
        using ScratchDisk disk = ScratchDisk.Of("heapbench.img");
        await using QemuMachine machine = await Boot.KernelAsync("", disk.Path);
        Match mapping = await machine.WaitForLineAsync(@"^user\[\d+\]: lmbench: row=heap-growth n=64 min-ticks=(?<min>\d+) median-ticks=(?<median>\d+)$", Boot.Timeout * 8);
        Match row = await machine.WaitForLineAsync(@"^user\[\d+\]: lmbench: row=heap-growth-page n=256 min-ticks=(?<min>\d+) median-ticks=(?<median>\d+)$", Boot.Timeout * 8);
        Match keeper = await machine.WaitForLineAsync(@"^user\[\d+\]: heapbench: keeper faults=(?<faults>\d+) invocations-per-fault=(?<calls>\d+) .*$", Boot.Timeout);
        await machine.WaitForLineAsync(@"^user\[\d+\]: lmbench: done$", Boot.Timeout);
        await machine.KillAsync();
        Assert.True(long.Parse(row.Groups["min"].Value, CultureInfo.InvariantCulture) > 0, Boot.Failure(machine));
        Assert.True(long.Parse(mapping.Groups["min"].Value, CultureInfo.InvariantCulture) > 0, Boot.Failure(machine));
        Assert.DoesNotContain(machine.Serial.Lines, l => l.Contains("heapbench: FAIL", System.StringComparison.Ordinal));
        Assert.Equal("0", Regex.Match(keeper.Value, @"not-served=(\d+)").Groups[1].Value);
        output.WriteLine(mapping.Value);
        output.WriteLine(row.Value);
        output.WriteLine(keeper.Value);
        output.WriteLine(machine.Serial.Lines.FirstOrDefault(l => l.Contains("tsc", System.StringComparison.OrdinalIgnoreCase)) ?? "");
    }
}
