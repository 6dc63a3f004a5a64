namespace CapOS.ServicesWorkload;

/// <summary>
/// What a bank worker believes it holds (<see cref="BankWorker"/>): its banks (index 0 its home bank, 1..3 child
/// banks under the home bank or under each other), their limits, and its object slots (kind, owning bank, stamp).
/// A pure function of (identity, step) while every answer of the bank is the expected one, so its digest is the
/// step line's. In the worker's own data pages: recovered with the bank's maps from one snapshot.
/// </summary>
internal unsafe struct BankModel
{
    public const int Banks = 4;

    public const int Slots = 12;

    public const byte Empty = 0;

    public const byte Page = 1;

    public const byte Node = 2;

    public const uint NoLimit = uint.MaxValue;

    /// <summary>Steps done.</summary>
    public ulong Step;

    /// <summary>Next slot of the record node to receive a key that must read void.</summary>
    public ulong RecordNext;

    /// <summary>1 while the bank exists (the home bank always, once made).</summary>
    public fixed byte Live[Banks];

    /// <summary>Parent bank (children only; the home bank's parent is the prime bank).</summary>
    public fixed byte Parent[Banks];

    public fixed uint PageLimit[Banks];

    public fixed uint NodeLimit[Banks];

    /// <summary>Per slot: Empty, Page or Node.</summary>
    public fixed byte Kind[Slots];

    /// <summary>Per slot: the bank believed to own it.</summary>
    public fixed byte Owner[Slots];

    /// <summary>Per slot: the stamp written into it (page word 0; node slot 0 as a number key).</summary>
    public fixed ulong Stamp[Slots];

    /// <summary>True when <paramref name="bank"/> is <paramref name="ancestor"/> or below it.</summary>
    public readonly bool Under(int bank, int ancestor)
    {
        for (int b = bank; ; b = Parent[b])
        {
            if (b == ancestor)
            {
                return true;
            }

            if (b == 0)
            {
                return false;
            }
        }
    }

    /// <summary>Objects of <paramref name="kind"/> owned by <paramref name="bank"/> and its descendants (the record node not included).</summary>
    public readonly uint Count(int bank, byte kind)
    {
        uint n = 0;
        for (int s = 0; s < Slots; s++)
        {
            if (Kind[s] == kind && Under(Owner[s], bank))
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Whether <paramref name="n"/> more of <paramref name="kind"/> fit under every limit from <paramref name="bank"/> up.</summary>
    public readonly bool Fits(int bank, byte kind, uint n)
    {
        for (int b = bank; ; b = Parent[b])
        {
            uint limit = kind == Page ? PageLimit[b] : NodeLimit[b];
            if (limit != NoLimit && Count(b, kind) + n > limit)
            {
                return false;
            }

            if (b == 0)
            {
                return true;
            }
        }
    }

    public readonly int FreeSlots()
    {
        int n = 0;
        for (int s = 0; s < Slots; s++)
        {
            n += Kind[s] == Empty ? 1 : 0;
        }

        return n;
    }

    /// <summary>The digest of everything above.</summary>
    public readonly ulong Digest(ulong identity)
    {
        ulong h = Program.Absorb(Program.Absorb(0xcbf29ce484222325, identity), Step);
        h = Program.Absorb(h, RecordNext);
        for (int b = 0; b < Banks; b++)
        {
            h = Program.Absorb(h, Live[b] | ((ulong)Parent[b] << 8) | ((ulong)PageLimit[b] << 16));
            h = Program.Absorb(h, NodeLimit[b]);
        }

        for (int s = 0; s < Slots; s++)
        {
            h = Program.Absorb(h, Kind[s] | ((ulong)Owner[s] << 8));
            h = Program.Absorb(h, Stamp[s]);
        }

        return Program.SplitMix(ref h);
    }
}
