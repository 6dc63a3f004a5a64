using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;
using Xunit.Abstractions;

namespace CapOS.SystemTests;

/// <summary>
/// The shipped system's persistent demo (system/capos.sys, userspace/Counter; issue 10 item 6): its count lives
/// in its own data page, so after QEMU is killed the next boot resumes the process and the count goes on from
/// the last committed checkpoint: above 1 (never restarted from zero), never beyond what was printed.
/// </summary>
public sealed class CounterDemoTests(ITestOutputHelper output)
{
    private const string Count = @"^user\[(?<pid>\d+)\]: demo: count=(?<count>\d+)$";

    [Fact]
    public async Task TheCountGoesOnFromTheLastCheckpointAfterAKill()
    {
        using ScratchDisk disk = ScratchDisk.Of("capos.img");
        long printed;
        await using (QemuMachine first = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path))
        {
            await first.WaitForLineAsync(@"^user\[\d+\]: demo: count=3$", Boot.Timeout);
            await first.WaitForLineAsync(CheckpointContract.Committed, Boot.Timeout);
            await first.KillAsync();
            printed = first.Serial.Lines.Select(l => Regex.Match(l, Count)).Where(m => m.Success)
                .Max(m => long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture));
        }

        await using QemuMachine second = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path);
        await second.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        await second.WaitForLineAsync(@"^proc: \d+ resumed root=0x[0-9a-f]+ state=running pc=0x[0-9a-f]+$", Boot.Timeout);
        Match resumed = await second.WaitForLineAsync(Count, Boot.Timeout);
        await second.KillAsync();

        long count = long.Parse(resumed.Groups["count"].Value, CultureInfo.InvariantCulture);
        string log = Boot.Failure(second);
        Assert.True(count > 1, $"the counter restarted instead of resuming (count={count})\n{log}");
        Assert.True(count <= printed + 1, $"the count {count} is beyond the {printed} printed before the kill\n{log}");
        output.WriteLine($"printed up to {printed} before the kill; resumed at {count}");
    }
}
