using CapOS.Runtime;

namespace CapOS.IpcBench;

/// <summary>IpcBench's console lines (docs/bench.md "IPC", serial contract).</summary>
internal static unsafe class Report
{
    /// <summary>
    /// Sorts <paramref name="ticks"/> and prints <c>ipcbench: M n=N per=P median=A min=B mean=C</c>: N samples of
    /// P operations each, A/B their median and least in TSC ticks, C = <paramref name="total"/> / N.
    /// </summary>
    public static void Measure(byte* line, string measure, ulong* ticks, ulong samples, ulong per, ulong total)
    {
        Samples.Sort(ticks, samples);
        ulong at = Text.Append(line, Text.Append(line, 0, "ipcbench: "), measure);
        at = Text.AppendDecimal(line, Text.Append(line, at, " n="), samples);
        at = Text.AppendDecimal(line, Text.Append(line, at, " per="), per);
        at = Text.AppendDecimal(line, Text.Append(line, at, " median="), ticks[samples / 2]);
        at = Text.AppendDecimal(line, Text.Append(line, at, " min="), ticks[0]);
        at = Text.AppendDecimal(line, Text.Append(line, at, " mean="), total / samples);
        Console.WriteLine(line, at);
    }

    /// <summary>Prints <c>ipcbench: failed: M result=R</c> (R: a result code, or the OR of a batch's); returns false.</summary>
    public static bool Failed(byte* line, string measure, ulong result)
    {
        ulong at = Text.Append(line, Text.Append(line, 0, "ipcbench: failed: "), measure);
        at = Text.AppendDecimal(line, Text.Append(line, at, " result="), result);
        Console.WriteLine(line, at);
        return false;
    }

    /// <summary>
    /// The common benchmark contract (docs/bench.md "lmbench"): <c>lmbench: row=R n=N min-ticks=A median-ticks=B</c>
    /// for null-call, ipc-rt, ctx-switch and page-fault (ticks per operation), then <c>lmbench: done</c>.
    /// </summary>
    public static unsafe void Contract(byte* line, Figures* figures)
    {
        Row(line, "null-call", figures->Null);
        Row(line, "ipc-rt", figures->RoundTrip);
        Row(line, "ctx-switch", figures->ContextSwitch());
        Row(line, "page-fault", figures->Fault);
        Console.WriteLine("lmbench: done");
    }

    private static void Row(byte* line, string row, Figure figure)
    {
        ulong at = Text.Append(line, Text.Append(line, 0, "lmbench: row="), row);
        at = Text.AppendDecimal(line, Text.Append(line, at, " n="), figure.Count);
        at = Text.AppendDecimal(line, Text.Append(line, at, " min-ticks="), figure.Min);
        at = Text.AppendDecimal(line, Text.Append(line, at, " median-ticks="), figure.Median);
        Console.WriteLine(line, at);
    }
}
