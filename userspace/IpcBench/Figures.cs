namespace CapOS.IpcBench;

/// <summary>One row of the common benchmark contract: operations measured, least and median ticks per operation.</summary>
internal struct Figure
{
    public ulong Count;
    public ulong Min;
    public ulong Median;

    public void Set(ulong count, ulong min, ulong median)
    {
        Count = count;
        Min = min;
        Median = median;
    }
}

/// <summary>What IpcBench keeps of its measures for the contract lines (<see cref="Report.Contract"/>).</summary>
internal struct Figures
{
    public Figure Null;
    public Figure RoundTrip;
    public Figure RoundTripString;
    public Figure CallHalf;
    public Figure ReturnHalf;
    public Figure Fault;

    /// <summary>
    /// The directed context switch (docs/bench.md "IPC"): half a stamped round trip less a null invocation, for the
    /// least and the median samples alike (0 where the null invocation costs more).
    /// </summary>
    public readonly Figure ContextSwitch()
    {
        Figure figure = default;
        figure.Set(CallHalf.Count, Less((CallHalf.Min + ReturnHalf.Min) / 2, Null.Min), Less((CallHalf.Median + ReturnHalf.Median) / 2, Null.Median));
        return figure;
    }

    private static ulong Less(ulong a, ulong b) => a > b ? a - b : 0;
}
