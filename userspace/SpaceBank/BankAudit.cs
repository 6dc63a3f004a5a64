namespace CapOS.SpaceBank;

/// <summary>
/// The bank server's self-check, answered to <see cref="BankProtocol.Audit"/> (docs/services.md "Space bank",
/// "Audit"): it walks the bank records and both object maps and reports the first rule broken. Pure over the
/// three structures and a scratch array, so the host links this file with BankTable.cs and ObjectMap.cs and
/// breaks each rule on purpose (tests/Launcher.Tests/Services/BankAuditTests.cs).
/// </summary>
/// <remarks>
/// A1 The prime bank is alive; every other live bank's parent is alive and has a smaller index (BankTable I1).
/// A2 Every owned offset's owner is a live bank (ObjectMap I2): no object is owned by a dead bank.
/// A3 Each extent's use count is the number of its owned offsets (ObjectMap I3).
/// A4 The free count is the number of unowned offsets (ObjectMap I1): nothing leaked, nothing counted twice.
/// A5 Each live bank's count is what it and its live descendants own (ObjectMap I4).
/// The owner map names one owner per offset, so an object cannot be owned by two banks; an object handed out
/// twice would be owned once and held twice, which only its holders can see (the services workload stamps every
/// object it allocates and checks the stamp: docs/plug.md "The services workload").
/// </remarks>
internal static unsafe class BankAudit
{
    /// <summary>Checks A1-A5; <paramref name="where"/> names the bank, offset or extent (kind in bits 32..) of a
    /// failure; <paramref name="banks"/> counts live banks, <paramref name="pages"/>/<paramref name="nodes"/> the
    /// owned objects. <paramref name="scratch"/> holds one word per bank index handed out.</summary>
    public static ulong Run(ref BankTable table, ref ObjectMap pageMap, ref ObjectMap nodeMap, uint* scratch,
        out ulong where, out ulong banks, out ulong pages, out ulong nodes)
    {
        pages = 0;
        nodes = 0;
        ulong code = Tree(ref table, out where, out banks);
        if (code == BankProtocol.AuditOk)
        {
            code = Map(ref table, ref pageMap, 1, scratch, out where, out pages);
        }

        if (code == BankProtocol.AuditOk)
        {
            code = Map(ref table, ref nodeMap, 2, scratch, out where, out nodes);
        }

        return code;
    }

    /// <summary>A1.</summary>
    private static ulong Tree(ref BankTable table, out ulong where, out ulong banks)
    {
        where = 0;
        banks = 0;
        if (!table.IsAlive(0))
        {
            return BankProtocol.AuditTree;
        }

        for (int b = 0; b < table.NextIndex; b++)
        {
            if (!table.IsAlive((ulong)b))
            {
                continue;
            }

            banks++;
            int parent = table.Parent[b];
            if (b != 0 && (parent >= b || !table.IsAlive((ulong)parent)))
            {
                where = (ulong)b;
                return BankProtocol.AuditTree;
            }
        }

        return BankProtocol.AuditOk;
    }

    /// <summary>A2-A5 for one map (<paramref name="kind"/> 1 pages, 2 nodes).</summary>
    private static ulong Map(ref BankTable table, ref ObjectMap map, ulong kind, uint* scratch, out ulong where, out ulong owned)
    {
        where = kind << 32;
        owned = 0;
        for (int b = 0; b < table.NextIndex; b++)
        {
            scratch[b] = 0;
        }

        int free = 0;
        int inExtent = 0;
        for (int offset = 0; offset < map.Count; offset++)
        {
            int owner = map.Owner[offset] - 1;
            if (owner < 0)
            {
                free++;
            }
            else if (!table.IsAlive((ulong)owner))
            {
                where = (kind << 32) | (uint)offset;
                return BankProtocol.AuditDeadOwner;
            }
            else
            {
                scratch[owner]++;
                inExtent++;
                owned++;
            }

            if ((offset + 1) % map.ExtentSize == 0 || offset + 1 == map.Count)
            {
                int extent = offset / map.ExtentSize;
                if (map.Used[extent] != inExtent)
                {
                    where = (kind << 32) | (uint)extent;
                    return BankProtocol.AuditExtentUse;
                }

                inExtent = 0;
            }
        }

        if (free != map.Free)
        {
            return BankProtocol.AuditFreeCount;
        }

        for (int b = table.NextIndex - 1; b > 0; b--)
        {
            if (table.IsAlive((ulong)b))
            {
                scratch[table.Parent[b]] += scratch[b]; // A1: the parent is alive and below b, so it is summed later
            }
        }

        for (int b = 0; b < table.NextIndex; b++)
        {
            if (table.IsAlive((ulong)b) && scratch[b] != map.Allocated[b])
            {
                where = (kind << 32) | (uint)b;
                return BankProtocol.AuditBankCount;
            }
        }

        return BankProtocol.AuditOk;
    }
}
