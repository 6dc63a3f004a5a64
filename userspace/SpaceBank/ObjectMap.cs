namespace CapOS.SpaceBank;

/// <summary>
/// One kind of object (pages or nodes) as the bank server sees it: the range key over the free part of that
/// object range, which of its OIDs are free and which bank owns each used one, and each bank's count and limit.
/// All of it lives in the server's own data pages. docs/services.md "Space bank".
/// </summary>
/// <remarks>
/// I1 <see cref="Free"/> = the number of offsets below <see cref="Count"/> whose <see cref="Owner"/> is 0.
/// I2 Owner[i] = b + 1 when bank b owns offset i; 0 when free. Every owner is a live bank (destroy moves or frees
///    the objects of the banks it kills).
/// I3 Used[e] = the number of owned offsets of extent e.
/// I4 Allocated[b] = the objects owned by b and its live descendants; Allocated[b] &lt;= Limit[b] after every
///    allocation, for b and every ancestor (BankTest "limits", "ancestor limit"; the churn after a plug).
/// I5 Every extent below <see cref="LowestUnused"/> has an owned offset (ObjectMapTests
///    "an emptied extent is claimed again first").
/// Closeness on disk: offsets are grouped in extents of <see cref="ExtentSize"/> consecutive OIDs (pages: 16
/// consecutive disk pages of a cluster; nodes: one node pot). A bank allocates inside its current extent, then
/// claims the lowest wholly free extent, and only on a fragmented volume takes any free offset. Lowest first, so
/// objects given back are the next ones handed out: they are in memory already (read in, or zeroed by the
/// reclaim's Rescind), and a pass that buys what an earlier pass gave back waits for no disk.
/// </remarks>
internal unsafe struct ObjectMap
{
    /// <summary>OIDs one map manages (the first of its range key's): 65,536.</summary>
    public const int Capacity = 0x10000;

    private const int MaxExtents = (Capacity / 7) + 1;

    /// <summary>The key register holding the range key over this kind's free OIDs. Set at first run.</summary>
    public byte RangeRegister;

    /// <summary>OIDs per extent: 16 pages, 7 nodes (one pot). Set at first run.</summary>
    public int ExtentSize;

    /// <summary>Offsets managed: min(range count, Capacity). Set at first run.</summary>
    public int Count;

    /// <summary>Offsets free (I1).</summary>
    public int Free;

    /// <summary>Owner of each offset (I2).</summary>
    public fixed ushort Owner[Capacity];

    /// <summary>Owned offsets per extent (I3).</summary>
    public fixed byte Used[MaxExtents];

    /// <summary>Per bank: objects of this kind allocated through it and its descendants (I4).</summary>
    public fixed uint Allocated[BankTable.Capacity];

    /// <summary>Per bank: its limit (uint.MaxValue: none).</summary>
    public fixed uint Limit[BankTable.Capacity];

    /// <summary>Per bank: its current extent + 1 (0: none yet). A placement hint only.</summary>
    public fixed ushort Current[BankTable.Capacity];

    /// <summary>No extent below this one is wholly unused (I5): where the search for a free extent starts. 0 is always true.</summary>
    public int LowestUnused;

    public void Initialize(byte rangeRegister, int extentSize, ulong rangeCount)
    {
        RangeRegister = rangeRegister;
        ExtentSize = extentSize;
        Count = rangeCount < Capacity ? (int)rangeCount : Capacity;
        Free = Count;
    }

    /// <summary>A free offset for <paramref name="bank"/>, nearby its others; -1 when none is free.</summary>
    public int Pick(int bank)
    {
        int extents = (Count + ExtentSize - 1) / ExtentSize;
        int current = Current[bank] - 1;
        if (current >= 0)
        {
            int found = FreeIn(current);
            if (found >= 0)
            {
                return found;
            }
        }

        for (int extent = LowestUnused; extent < extents; extent++)
        {
            if (Used[extent] == 0 && FreeIn(extent) >= 0)
            {
                LowestUnused = extent;
                Current[bank] = (ushort)(extent + 1);
                return FreeIn(extent);
            }
        }

        LowestUnused = extents; // every extent has an owned offset (I5 holds vacuously above it)
        for (int offset = 0; offset < Count; offset++)
        {
            if (Owner[offset] == 0)
            {
                Current[bank] = (ushort)((offset / ExtentSize) + 1);
                return offset;
            }
        }

        return -1;
    }

    /// <summary>Records <paramref name="bank"/> as the owner of the free <paramref name="offset"/>.</summary>
    public void Take(int offset, int bank)
    {
        Owner[offset] = (ushort)(bank + 1);
        Used[offset / ExtentSize]++;
        Free--;
    }

    /// <summary>Marks the owned <paramref name="offset"/> free.</summary>
    public void Release(int offset)
    {
        Owner[offset] = 0;
        int extent = offset / ExtentSize;
        Used[extent]--;
        Free++;
        if (Used[extent] == 0 && extent < LowestUnused)
        {
            LowestUnused = extent; // I5
        }
    }

    /// <summary>True when <paramref name="bank"/> and every ancestor can take <paramref name="n"/> more (I4).</summary>
    public readonly bool WithinLimits(ref BankTable banks, int bank, uint n)
    {
        for (int b = bank; ; b = banks.Parent[b])
        {
            if ((ulong)Allocated[b] + n > Limit[b])
            {
                return false;
            }

            if (b == 0)
            {
                return true;
            }
        }
    }

    /// <summary>Adds <paramref name="delta"/> to the counts of <paramref name="bank"/> and its ancestors.</summary>
    public void AddToCounts(ref BankTable banks, int bank, int delta)
    {
        for (int b = bank; ; b = banks.Parent[b])
        {
            Allocated[b] = (uint)(Allocated[b] + delta);
            if (b == 0)
            {
                return;
            }
        }
    }

    private readonly int FreeIn(int extent)
    {
        int end = System.Math.Min((extent + 1) * ExtentSize, Count);
        for (int offset = extent * ExtentSize; offset < end; offset++)
        {
            if (Owner[offset] == 0)
            {
                return offset;
            }
        }

        return -1;
    }
}
