using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;
using Xunit.Abstractions;

namespace CapOS.SystemTests;

/// <summary>
/// The pipe (userspace/Pipe; docs/services.md "Pipe") in system/pipe.sys: pipe-demo's writer pushes a 512 KiB
/// stream through a 64 KiB pipe to pipe-demo's reader, which checks every byte. The expected length and
/// checksum are computed here, from the stream's definition (userspace/PipeDemo/Stream.cs), not taken from
/// either program.
/// </summary>
public sealed class PipeTests(ITestOutputHelper output)
{
    private const string Done = @"^user\[\d+\]: pipe: (ok|FAILED) ";

    private const string Exited = @"^proc: \d+ exited$";

    private const string Ok = @"^user\[\d+\]: pipe: ok bytes=(?<bytes>\d+) sum=(?<sum>\d+) waits=(?<waits>\d+) eof=(?<eof>waited|immediate)$";

    private const string Sent = @"^user\[\d+\]: pipe: writer sent bytes=(?<bytes>\d+) sum=(?<sum>\d+) waits=(?<waits>\d+)$";

    private const string WriterCheckpoint = @"^user\[\d+\]: pipe: writer checkpoint result=0 seq=(?<seq>\d+) reader=parked$";

    private const ulong StreamLength = (512 * 1024) + 123;

    /// <summary>
    /// Order and completeness (the reader compares every byte with its position's value; bytes and checksum match
    /// what the stream must be), blocking both ways (the slow reader made writes wait; the slow writer made reads
    /// wait), EOF (the parked reader got it when the writer destroyed its end; a read after it gets it again; a
    /// write after it is refused: "pipe: writer closed").
    /// </summary>
    [Fact]
    public async Task TheStreamArrivesWholeAndInOrderAndBothSidesWait()
    {
        using ScratchDisk disk = ScratchDisk.Of("pipe.img");
        await using QemuMachine machine = await Boot.KernelAsync("", disk.Path);
        await machine.WaitForLineAsync(Exited, Boot.Timeout); // the writer and the reader, in either order,
        await machine.WaitForLineAsync(Exited, Boot.Timeout); // whether they failed or not
        await machine.KillAsync();

        string log = Boot.Failure(machine);
        Assert.DoesNotContain(machine.Serial.Lines, l => l.Contains("pipe: FAILED", System.StringComparison.Ordinal));
        Match received = Single(machine, Ok, log);
        Match sent = Single(machine, Sent, log);
        Assert.True(machine.Serial.Lines.Any(l => Regex.IsMatch(l, @"^user\[\d+\]: pipe: writer closed$")), $"no 'writer closed'\n{log}");
        Assert.Equal(StreamLength, Number(received, "bytes"));
        Assert.Equal(StreamLength, Number(sent, "bytes"));
        Assert.Equal(ExpectedSum(), Number(received, "sum"));
        Assert.Equal(ExpectedSum(), Number(sent, "sum"));
        Assert.True(Number(sent, "waits") > 0, $"no write waited for room (the slow reader should have filled the pipe)\n{log}");
        Assert.True(Number(received, "waits") > 0, $"no read waited for data (the slow writer should have emptied the pipe)\n{log}");
        Assert.True(received.Groups["eof"].Value == "waited", $"the end of file did not come to a parked read\n{log}");
        output.WriteLine($"writes that waited: {Number(sent, "waits")}; reads that waited: {Number(received, "waits")}");
    }

    /// <summary>
    /// The pipe survives the plug: the writer takes a checkpoint while the reader is parked in the pipe (its resume
    /// key in the pipe's key registers); QEMU is killed after that checkpoint commits, before the stream ends. The
    /// next boot goes back to that checkpoint: the reader comes back Waiting, is answered when the writer writes
    /// again, and the whole stream still arrives in order.
    /// </summary>
    [Fact]
    public async Task AParkedReaderSurvivesACrash()
    {
        using ScratchDisk disk = ScratchDisk.Of("pipe.img");
        long seq;
        await using (QemuMachine first = await Boot.KernelAsync("", disk.Path))
        {
            seq = CheckpointContract.Number(await first.WaitForLineAsync(WriterCheckpoint, Boot.Timeout), "seq");
            await first.WaitForLineAsync($@"^checkpoint: committed seq={seq} ", Boot.Timeout);
            await first.KillAsync();
            Assert.False(first.Serial.Lines.Any(l => Regex.IsMatch(l, Done)),
                $"the stream ended before the kill: nothing was left to resume (make the writer's second half slower)\n{Boot.Failure(first)}");
        }

        await using QemuMachine second = await Boot.KernelAsync("", disk.Path);
        Match recovered = await second.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        Assert.Equal(seq, CheckpointContract.Number(recovered, "seq"));
        await second.WaitForLineAsync(Done, Boot.Timeout);
        await second.KillAsync();

        string log = Boot.Failure(second);
        Assert.True(second.Serial.Lines.Any(l => Regex.IsMatch(l, @"^proc: \d+ resumed root=0x[0-9a-f]+ state=waiting pc=")),
            $"no process came back waiting (the parked reader)\n{log}");
        Assert.DoesNotContain(second.Serial.Lines, l => l.Contains("pipe: FAILED", System.StringComparison.Ordinal));
        Match received = Single(second, Ok, log);
        Assert.Equal(StreamLength, Number(received, "bytes"));
        Assert.Equal(ExpectedSum(), Number(received, "sum"));
    }

    /// <summary>
    /// EROS's pipe benchmarks (userspace/PipeBench, system/pipebench.sys): the figures are printed, not judged
    /// (TCG timing means little); checked are that both runs finish and the sink got every byte to the end of file.
    /// </summary>
    /// <summary>PipeBench's unmeasured bytes before each timed bandwidth transfer (userspace/PipeBench WarmUpBytes).</summary>
    private const double WarmUpBytes = 256 * 1024;

    [Fact]
    public async Task TheBenchmarksRunAndTheSinkGetsEveryByte()
    {
        using ScratchDisk disk = ScratchDisk.Of("pipebench.img");
        await using QemuMachine machine = await Boot.KernelAsync("", disk.Path);
        Match clock = await machine.WaitForLineAsync(@"^timer: hz=\d+ tsc-mhz=(?<mhz>\d+)$", Boot.Timeout);
        Match latency = await machine.WaitForLineAsync(
            @"^user\[\d+\]: pipebench: latency round-trips=(?<n>\d+) mean=(?<mean>\d+) min=(?<min>\d+)$", Boot.Timeout);
        // The bench and the sink exit in either order, and the sink may exit before the bench prints its bandwidth
        // line: wait for both exits, then read the bandwidth line wherever it is.
        await machine.WaitForLineAsync(Exited, Boot.Timeout);
        await machine.WaitForLineAsync(Exited, Boot.Timeout);
        await machine.KillAsync();

        string log = Boot.Failure(machine);
        Match[] bandwidths = [.. machine.Serial.Lines
            .Select(l => Regex.Match(l, @"^user\[\d+\]: pipebench: bandwidth bytes=(?<bytes>\d+) chunk=(?<chunk>\d+) ticks=(?<ticks>\d+)$"))
            .Where(m => m.Success)];
        Assert.True(bandwidths.Length == 2 && bandwidths[0].Groups["chunk"].Value == "4096" && bandwidths[1].Groups["chunk"].Value == "65536",
            $"want the 'pipebench: bandwidth' lines of 4 KiB and 64 KiB writes\n{log}");
        Assert.True(machine.Serial.Lines.Any(l => Regex.IsMatch(l, @"^user\[\d+\]: pipebench: done$")), $"no 'pipebench: done'\n{log}");
        double sent = bandwidths.Sum(b => Number(b, "bytes") + WarmUpBytes);
        Assert.True(machine.Serial.Lines.Any(l => l.EndsWith($"pipebench: sink bytes={sent} eof", System.StringComparison.Ordinal)),
            $"the sink did not get {sent} bytes (the measured ones and the warm-ups) and the end of file\n{log}");
        double mhz = Number(clock, "mhz");
        string Rate(Match b) => string.Create(CultureInfo.InvariantCulture,
            $"{Number(b, "bytes") / (Number(b, "ticks") / (mhz * 1e6)) / 1e6:0.0} MB/s ({Number(b, "bytes")} bytes in {Number(b, "chunk")}-byte writes, {Number(b, "ticks")} ticks)");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TCG, tsc-mhz={mhz}: pipe latency (1-byte write+read) mean {Number(latency, "mean")} ticks = {Number(latency, "mean") / mhz:0.0} us, "
            + $"min {Number(latency, "min")} ticks = {Number(latency, "min") / mhz:0.0} us over {Number(latency, "n")}; "
            + $"bandwidth {Rate(bandwidths[0])}, {Rate(bandwidths[1])}"));
    }

    /// <summary>FNV-1a 64 of the stream: byte i is the top byte of i times the 64-bit golden ratio.</summary>
    private static ulong ExpectedSum()
    {
        ulong sum = 0xCBF2_9CE4_8422_2325;
        for (ulong i = 0; i < StreamLength; i++)
        {
            sum = (sum ^ (byte)((i * 0x9E37_79B9_7F4A_7C15) >> 56)) * 0x100_0000_01B3;
        }

        return sum;
    }

    private static Match Single(QemuMachine machine, string pattern, string log)
    {
        Match[] matches = machine.Serial.Lines.Select(l => Regex.Match(l, pattern)).Where(m => m.Success).ToArray();
        Assert.True(matches.Length == 1, $"expected one line matching {pattern}, found {matches.Length}\n{log}");
        return matches[0];
    }

    private static ulong Number(Match match, string group) => ulong.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
}
