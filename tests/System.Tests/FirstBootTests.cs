using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;
using Xunit.Abstractions;

namespace CapOS.SystemTests;

/// <summary>
/// The shipped system's first boot (system/capos.sys, userspace/Init; docs/services.md "First boot"): imagegen declares
/// only the primordials and init; init makes each demo program from a child bank and a constructor, then halts. After
/// a kill the next boot resumes the demo from the store and init's work is not done again.
/// </summary>
public sealed class FirstBootTests(ITestOutputHelper output)
{
    private const string Count = @"^user\[(?<pid>\d+)\]: demo: count=(?<count>\d+)$";
    private const string InitLine = @"^user\[\d+\]: init: ";
    private const string Fail = @"FAIL";
    private const string Made = @"^user\[\d+\]: init: made (?<name>\S+)$";

    [Fact]
    public async Task InitMakesTheDemoOnceAndTheStoreKeepsIt()
    {
        using ScratchDisk disk = ScratchDisk.Of("capos.img");
        long printed;
        await using (QemuMachine first = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path))
        {
            foreach (string name in new[] { "counter-server", "counter", "hello", "fault" })
            {
                await first.WaitForLineAsync($@"^user\[\d+\]: init: made {name}$", Boot.Timeout * 2);
            }

            Match done = await first.WaitForLineAsync(@"^user\[(?<pid>\d+)\]: init: done$", Boot.Timeout);
            await first.WaitForLineAsync($"^proc: {done.Groups["pid"].Value} exited$", Boot.Timeout);
            await first.WaitForLineAsync(@"^user\[\d+\]: demo: count=3$", Boot.Timeout);
            await first.WaitForLineAsync(CheckpointContract.Committed, Boot.Timeout);
            await first.WaitForLineAsync(CheckpointContract.Committed, Boot.Timeout); // its snapshot is after init's halt
            await first.KillAsync();

            string log = Boot.Failure(first);
            Assert.True(first.Serial.Lines.Any(l => Regex.IsMatch(l, SerialContract.UserInvocationChecks)), "hello ran as an instance\n" + log);
            Match fault = first.Serial.Lines.Select(l => Regex.Match(l, SerialContract.UserFault)).FirstOrDefault(m => m.Success)
                ?? throw new Xunit.Sdk.XunitException("fault was not parked\n" + log);
            Assert.True(fault.Groups["cause"].Value == "exception", "fault's instance faults with an exception the keeper cannot serve\n" + log);
            Assert.DoesNotContain(first.Serial.Lines, l => l.Contains(Fail, StringComparison.Ordinal));
            printed = first.Serial.Lines.Select(l => Regex.Match(l, Count)).Where(m => m.Success)
                .Max(m => long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture));
        }

        await using QemuMachine second = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path);
        await second.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        await second.WaitForLineAsync(Count, Boot.Timeout);
        Match resumed = await second.WaitForLineAsync(Count, Boot.Timeout);
        await second.KillAsync();

        string again = Boot.Failure(second);
        long count = long.Parse(resumed.Groups["count"].Value, CultureInfo.InvariantCulture);
        Assert.True(count > 3, $"the counter restarted instead of resuming (count={count})\n{again}");
        Assert.True(count <= printed + 2, $"the count {count} is beyond the {printed} printed before the kill\n{again}");
        Assert.DoesNotContain(second.Serial.Lines, l => Regex.IsMatch(l, InitLine)); // init's work is not done again
        Assert.DoesNotContain(second.Serial.Lines, l => Regex.IsMatch(l, SerialContract.UserHello)); // hello destroyed itself
        Assert.DoesNotContain(second.Serial.Lines, l => l.Contains(Fail, StringComparison.Ordinal));
        output.WriteLine($"printed up to {printed} before the kill; resumed at {count}");
    }
    /// <summary>
    /// A kill after the first checkpoint that follows init's first program (usually taken in the middle of init's work): the next boot resumes init where
    /// the last committed checkpoint left it; it finishes (`init: done`), the demo counts with one counter, and nothing
    /// fails. The output says whether the checkpoint caught init mid-work (the usual case) or already done.
    /// </summary>
    [Fact]
    public async Task AKillDuringInitsWorkResumesItFromTheCheckpoint()
    {
        using ScratchDisk disk = ScratchDisk.Of("capos.img");
        bool doneBeforeKill;
        string[] madeBefore; // by the committed snapshot
        await using (QemuMachine first = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path))
        {
            await first.WaitForLineAsync(@"^user\[\d+\]: init: made counter-server$", Boot.Timeout * 2);
            Match snapshot = await first.WaitForLineAsync(@"^checkpoint: snapshot seq=(?<seq>\d+) ", Boot.Timeout);
            await first.WaitForLineAsync($"^checkpoint: committed seq={snapshot.Groups["seq"].Value} ", Boot.Timeout);
            await first.KillAsync();
            var lines = first.Serial.Lines.ToList();
            int taken = lines.FindIndex(l => l.StartsWith($"checkpoint: snapshot seq={snapshot.Groups["seq"].Value} ", StringComparison.Ordinal));
            int done = lines.FindIndex(l => Regex.IsMatch(l, @"^user\[\d+\]: init: done$"));
            doneBeforeKill = done >= 0 && done < taken; // the committed snapshot holds init halted
            madeBefore = lines.Take(taken).Select(l => Regex.Match(l, Made)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToArray();
            Assert.DoesNotContain(first.Serial.Lines, l => l.Contains(Fail, StringComparison.Ordinal));
        }

        await using QemuMachine second = await Boot.KernelAsync("checkpoint-interval-ms=300", disk.Path);
        await second.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        if (!doneBeforeKill)
        {
            await second.WaitForLineAsync(@"^user\[\d+\]: init: done$", Boot.Timeout * 2);
        }

        Match count = await second.WaitForLineAsync(Count, Boot.Timeout);
        await second.WaitForLineAsync(Count, Boot.Timeout);
        await second.WaitForLineAsync(Count, Boot.Timeout);
        await second.KillAsync();

        string log = Boot.Failure(second);
        Assert.DoesNotContain(second.Serial.Lines, l => l.Contains(Fail, StringComparison.Ordinal));
        var counters = second.Serial.Lines.Select(l => Regex.Match(l, Count)).Where(m => m.Success).Select(m => m.Groups["pid"].Value).Distinct();
        Assert.True(counters.Count() == 1, "one counter, made once\n" + log);
        string[] madeAfter = second.Serial.Lines.Select(l => Regex.Match(l, Made)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToArray();
        Assert.True(string.Join(" ", madeBefore.Concat(madeAfter)) == "counter-server counter hello fault",
            $"each program made exactly once: before the snapshot {string.Join(" ", madeBefore)}, after recovery {string.Join(" ", madeAfter)}\n" + log);
        output.WriteLine(doneBeforeKill ? "the committed snapshot held init done" : "the committed snapshot held init mid-work; it finished after recovery"
            + $" (the second boot made: {string.Join(", ", second.Serial.Lines.Where(l => l.Contains("init: made", StringComparison.Ordinal)))}; first count {count.Groups["count"].Value})");
    }
}
