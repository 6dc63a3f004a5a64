extern alias Launcher;

using System.Threading.Tasks;
using CapOS.Harness;
using Launcher::CapOS.Launcher.Bench;
using Xunit;
using Xunit.Abstractions;

namespace CapOS.SystemTests;

/// <summary>
/// The IPC benchmark's programs run once (userspace/IpcBench and userspace/EchoServer; docs/bench.md "IPC"):
/// ipcbench-quick.img is system/ipcbench.sys with 4 batches of 64 calls and 256 pages (about a second of TCG).
/// Every measure must be printed and read as <c>bench ipc</c> reads it, and the common benchmark contract's rows
/// follow (common.md: <c>lmbench: row=... n= min-ticks= median-ticks=</c>, then <c>lmbench: done</c>). The figures
/// are not asserted, but for two orders: every page of the single-fault pass faulted (its least sample is above the
/// median of the pass without faults), and the fault passes cost per page more than a mapped read (with
/// fault-around one fault in 32 touches maps the rest, so a pass's per-page figure is what shows the zap worked).
/// </summary>
public sealed class IpcBenchTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EveryMeasureIsPrintedAndTheBenchmarkEnds()
    {
        using ScratchDisk disk = ScratchDisk.Of("ipcbench-quick.img");
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);

        await machine.WaitForLineAsync(@"^(user\[\d+\]: (lmbench: done|ipcbench: failed: )|fault: process |PANIC:|EXCEPTION )", Boot.Timeout);
        await machine.KillAsync();

        BootReading<IpcRun> reading = IpcBench.Read(machine.Serial.Lines);
        Assert.True(reading.Failure is null, $"{reading.Failure}\n{Boot.Failure(machine)}");
        string serial = string.Join("\n", machine.Serial.Lines);
        foreach (string row in new[] { "null-call", "ipc-rt", "ctx-switch", "page-fault" })
        {
            Assert.Matches($@"lmbench: row={row} n=[1-9]\d* min-ticks=\d+ median-ticks=\d+", serial);
        }

        Assert.Contains("lmbench: done", serial);
        Assert.True(reading.Value!["fault-single"].Min > reading.Value["mapped-read"].Median, "a page of the single-fault pass did not fault: its leaf entry was not zapped");
        Assert.True(reading.Value["fault-rebuild"].MinPerOperation > reading.Value["mapped-read"].Median, "the fault passes did not fault: the leaf entries were not zapped");
        output.WriteLine($"round trip {reading.Value!["round-trip"].MedianPerOperation} ticks");
    }
}
