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
/// The global checkpoint on QEMU (issue #4; docs/checkpoint.md): a SIGKILL after commits recovers at least the
/// last committed checkpoint with the mutator's invariant intact; a long run takes more checkpoints than the
/// log could hold without migration, each one migrated; the checkpoint key works from ring 3. Each boots a
/// temporary copy of a shipped image.
/// </summary>
public sealed class CheckpointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KillAfterCommitsThenRebootRecoversTheLastCommittedCheckpoint()
    {
        using ScratchDisk disk = ScratchDisk.Of("mutator.img");
        long committed;
        var snapshots = new System.Collections.Generic.Dictionary<long, string>();
        await using (QemuMachine first = await Boot.TestKernelAsync(CheckpointContract.MutatorCommandLine, disk.Path))
        {
            do
            {
                committed = CheckpointContract.Number(await first.WaitForLineAsync(CheckpointContract.Committed, Boot.Timeout), "seq");
            }
            while (committed < 3);
            await first.KillAsync();
            AssertNoFailureLine(first);
            foreach ((int _, Match snapshot) in CheckpointContract.All(first.Serial.Lines.ToList(), CheckpointContract.MutatorSnapshot))
            {
                snapshots[CheckpointContract.Number(snapshot, "seq")] = $"step={snapshot.Groups["step"].Value} digest={snapshot.Groups["digest"].Value}";
            }
        }

        await using QemuMachine second = await Boot.TestKernelAsync(CheckpointContract.MutatorCommandLine, disk.Path);
        Match recovered = await second.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        Match mutator = await second.WaitForLineAsync(CheckpointContract.MutatorRecovered, Boot.Timeout);
        await second.KillAsync();

        string log = Boot.Failure(second);
        long seq = CheckpointContract.Number(recovered, "seq");
        Assert.True(seq >= committed, $"recovered seq={seq} is below the last committed seq={committed}\n{log}");
        Assert.True(CheckpointContract.Number(mutator, "seq") == seq, $"the mutator recovered another checkpoint than {seq}\n{log}");
        Assert.True(CheckpointContract.Number(mutator, "step") > 0, $"checkpoint {seq} must hold mutator steps\n{log}");
        string state = $"step={mutator.Groups["step"].Value} digest={mutator.Groups["digest"].Value}";
        Assert.True(snapshots.TryGetValue(seq, out string? expected) && expected == state, $"recovered {state}, snapshot {seq} had {expected}\n{log}");
        AssertNoFailureLine(second);
        output.WriteLine($"committed {committed} before the kill; {recovered.Value}; {mutator.Value}");
    }

    [Fact]
    public async Task LongRunTakesMoreCheckpointsThanTheLogHoldsAndMigratesEach()
    {
        using ScratchDisk disk = ScratchDisk.Of("mutator.img");
        long capacity = CheckpointContract.LogPages(disk);
        await using QemuMachine machine = await Boot.TestKernelAsync(CheckpointContract.MutatorCommandLine, disk.Path);

        long seq, pages = 0, smallest = long.MaxValue;
        do
        {
            Match committed = await machine.WaitForLineAsync(CheckpointContract.Committed, Boot.Timeout);
            seq = CheckpointContract.Number(committed, "seq");
            long used = CheckpointContract.Number(committed, "pages");
            pages += used;
            smallest = used > 0 ? Math.Min(smallest, used) : smallest;
        }
        while (smallest == long.MaxValue || seq <= 3 * (capacity / smallest) || pages <= 3 * capacity);
        await machine.WaitForLineAsync($"^checkpoint: migrated seq={seq}$", Boot.Timeout);
        await machine.KillAsync();

        string log = Boot.Failure(machine);
        AssertNoFailureLine(machine);
        var lines = machine.Serial.Lines;
        var migrated = CheckpointContract.All(lines, CheckpointContract.Migrated);
        foreach ((int index, Match commit) in CheckpointContract.All(lines, CheckpointContract.Committed))
        {
            string n = commit.Groups["seq"].Value;
            if (long.Parse(n, CultureInfo.InvariantCulture) > seq)
            {
                continue; // committed after the last one waited for, before the kill: its migration may be cut
            }

            Assert.True(migrated.Any(m => m.Index > index && m.Match.Groups["seq"].Value == n),
                $"checkpoint {n} was committed but never migrated\n{log}");
        }

        output.WriteLine($"log {capacity} pages; {pages} log pages written by checkpoints up to seq={seq} "
            + $"(smallest nonzero checkpoint {smallest} pages: the log holds at most {capacity / smallest} without migration)");
    }

    [Fact]
    public async Task CheckpointKeyFromRingThreeCommitsTheNextCheckpoint()
    {
        using ScratchDisk disk = ScratchDisk.Of("capos.img");
        // Not exit-when-idle: the guest would end before the commit, which completes in the idle loop.
        await using QemuMachine machine = await Boot.KernelAsync("", disk.Path);

        Match recovered = await machine.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        Match requested = await machine.WaitForLineAsync(CheckpointContract.UserCheckpoint, Boot.Timeout);
        Match committed = await machine.WaitForLineAsync(CheckpointContract.Committed, Boot.Timeout);
        await machine.KillAsync();
        Assert.True(machine.Serial.Lines.Any(l => Regex.IsMatch(l, SerialContract.UserInvocationChecks)), "hello's invocation checks line\n" + Boot.Failure(machine));

        string log = Boot.Failure(machine);
        long expected = CheckpointContract.Number(recovered, "seq") + 1;
        Assert.True(expected == 2, $"the shipped image holds checkpoint 1 only\n{log}");
        Assert.True(CheckpointContract.Number(requested, "seq") == expected, $"the key must reply the new checkpoint's seq, {expected}\n{log}");
        Assert.True(CheckpointContract.Number(committed, "seq") == expected, log);
        AssertNoFailureLine(machine);
    }

    private static void AssertNoFailureLine(QemuMachine machine)
    {
        string? failure = machine.Serial.Lines.FirstOrDefault(l => Regex.IsMatch(l, CheckpointContract.Failure));
        Assert.True(failure is null, $"failure line \"{failure}\"\n{Boot.Failure(machine)}");
    }
}
