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
/// Every measure must be printed and read as <c>bench ipc</c> reads it; the figures are never asserted.
/// </summary>
public sealed class IpcBenchTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EveryMeasureIsPrintedAndTheBenchmarkEnds()
    {
        using ScratchDisk disk = ScratchDisk.Of("ipcbench-quick.img");
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);

        await machine.WaitForLineAsync(@"^(user\[\d+\]: ipcbench: (done|failed: )|fault: process |PANIC:|EXCEPTION )", Boot.Timeout);
        await machine.KillAsync();

        BootReading<IpcRun> reading = IpcBench.Read(machine.Serial.Lines);
        Assert.True(reading.Failure is null, $"{reading.Failure}\n{Boot.Failure(machine)}");
        output.WriteLine($"round trip {reading.Value!["round-trip"].MedianPerOperation} ticks");
    }
}
