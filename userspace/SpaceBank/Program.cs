using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.SpaceBank;

/// <summary>
/// The space bank server (EROS space bank; docs/services.md "Space bank"). One process serves every bank: a bank
/// key is a start key to it whose key info is the bank's index; the bank's record and the free-space maps are
/// this program's static data (<see cref="BankTable"/>, <see cref="ObjectMap"/>), hence in the store. It holds
/// range keys over the OIDs imagegen left free (`range free-pages`, `range free-nodes`): at first run all of them
/// are free, so no OID is ever queried. Objects are made by the range keys (MakePageKey, MakeNodeKey), named back
/// by Identify, and reclaimed by Rescind (AllocCount + 1: every key to them reads void).
/// </summary>
/// <remarks>
/// Each order validates everything first and answers an error with nothing changed; then it changes the maps.
/// A checkpoint may come between two steps of an order: the server restarts from that instant, so it finishes
/// the order after a crash exactly as it would have.
/// </remarks>
internal static unsafe class Program
{
    private const byte SelfKey = Keys.SelfKey;     // key 2: a process key to this server (start keys for child banks)
    private const byte PageRange = 5;              // range free-pages
    private const byte NodeRange = 6;              // range free-nodes
    private const byte ProcessTool = 7;            // Verify: IdentifyStartKey
    private const byte Brand = 8;                  // the key in this process's brand slot
    private const byte Received = 10;              // sent keys arrive in 10, 11, 12
    private const byte Made = 13;                  // keys made for the reply: 13, 14, 15
    private const byte ResumeRegister = 31;

    private static BankTable s_banks;
    private static ObjectMap s_pages;
    private static ObjectMap s_nodes;
    private static AuditScratch s_audit;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        if (s_banks.NextIndex == 0)
        {
            FirstRun();
        }

        InvocationMessage answer = default;
        InvocationResponse request;
        byte through = 0; // the first wait answers nobody
        for (;;)
        {
            answer.ReceiveKeys = Received | ((ulong)(Received + 1) << 8) | ((ulong)(Received + 2) << 16);
            Gate.ReturnAndWait(through, &answer, ResumeRegister, &request);
            answer = default;
            Serve(&request, &answer);
            through = ResumeRegister;
        }
    }

    /// <summary>The prime bank (index 0, no limits) and the maps: every OID of both free ranges is free.</summary>
    private static void FirstRun()
    {
        new RangeKeyRef(PageRange).Describe(out _, out ulong pages);
        new RangeKeyRef(NodeRange).Describe(out _, out ulong nodes);
        s_pages.Initialize(PageRange, 16, pages);
        s_nodes.Initialize(NodeRange, 7, nodes);
        s_banks.Parent[0] = 0;
        s_banks.Flags[0] = BankTable.Alive;
        s_pages.Limit[0] = uint.MaxValue;
        s_nodes.Limit[0] = uint.MaxValue;
        s_banks.NextIndex = 1;
    }

    private static void Serve(InvocationResponse* request, InvocationMessage* answer)
    {
        ulong bank = request->KeyInfo;
        if (!s_banks.IsAlive(bank))
        {
            answer->Order = (ulong)InvocationResult.Void; // a destroyed bank's keys act as rescinded keys
            return;
        }

        int b = (int)bank;
        InvocationResult result;
        switch ((uint)request->Result)
        {
            case BankProtocol.AllocPages:
                result = Allocate(ref s_pages, b, request->W0, answer, InvocationResult.NoMorePages);
                break;
            case BankProtocol.AllocNodes:
                result = Allocate(ref s_nodes, b, request->W0, answer, InvocationResult.NoMoreNodes);
                break;
            case BankProtocol.ReclaimPages:
                result = Reclaim(ref s_pages, b, request->W0, 1);
                break;
            case BankProtocol.ReclaimNodes:
                result = Reclaim(ref s_nodes, b, request->W0, 2);
                break;
            case BankProtocol.CreateChild:
                result = CreateChild(b, answer);
                break;
            case BankProtocol.SetLimits:
                result = SetLimits(b, request->W0, request->W1);
                break;
            case BankProtocol.GetLimits:
                answer->W0 = s_pages.Limit[b];
                answer->W1 = s_nodes.Limit[b];
                answer->W2 = s_pages.Allocated[b];
                answer->W3 = s_nodes.Allocated[b];
                result = InvocationResult.Ok;
                break;
            case BankProtocol.DestroyWithObjects:
            case BankProtocol.DestroyReturningObjects:
                result = Destroy(b, (uint)request->Result == BankProtocol.DestroyWithObjects);
                break;
            case BankProtocol.Preclude:
                result = Preclude(b, request->W0);
                break;
            case BankProtocol.Verify:
                result = new ProcessToolKeyRef(ProcessTool).IdentifyStartKey(Received, Brand, out bool branded, out ulong keyInfo);
                answer->W0 = result == InvocationResult.Ok && branded && s_banks.IsAlive(keyInfo) ? 1UL : 0UL;
                result = InvocationResult.Ok; // any key may be asked about: not a bank key is an answer, not an error
                break;
            case BankProtocol.Audit:
                fixed (AuditScratch* audit = &s_audit)
                {
                    uint* scratch = audit->PerBank;
                    answer->W0 = BankAudit.Run(ref s_banks, ref s_pages, ref s_nodes, scratch, out answer->W1, out answer->W2,
                        out ulong pages, out ulong nodes);
                    answer->W3 = (pages << 32) | nodes;
                }

                result = InvocationResult.Ok;
                break;
            case BankProtocol.Owns:
                Owns(b, answer);
                result = InvocationResult.Ok; // any key may be asked about, as Verify
                break;
            case KeyOrder.AllegedKeyType:
                answer->W0 = BankProtocol.AllegedType;
                result = InvocationResult.Ok;
                break;
            default:
                result = InvocationResult.UnknownOrder;
                break;
        }

        answer->Order = (ulong)result;
    }

    /// <summary>n fresh objects: limits of the bank and its ancestors, then the disk; keys made by the range key.</summary>
    private static InvocationResult Allocate(ref ObjectMap map, int bank, ulong n, InvocationMessage* answer, InvocationResult none)
    {
        if (n == 0 || n > BankProtocol.MaxPerCall)
        {
            return InvocationResult.RequestError;
        }

        if (!map.WithinLimits(ref s_banks, bank, (uint)n) || map.Free < (int)n)
        {
            return none;
        }

        var range = new RangeKeyRef(map.RangeRegister);
        int* taken = stackalloc int[3];
        for (int i = 0; i < (int)n; i++)
        {
            taken[i] = map.Pick(bank);
            InvocationResult made = map.ExtentSize == 16
                ? range.MakePageKey((ulong)taken[i], (byte)(Made + i), out _)
                : range.MakeNodeKey((ulong)taken[i], (byte)(Made + i), out _);
            if (made != InvocationResult.Ok)
            {
                for (int j = 0; j < i; j++)
                {
                    map.Release(taken[j]);
                }

                return made;
            }

            map.Take(taken[i], bank);
        }

        map.AddToCounts(ref s_banks, bank, (int)n);
        answer->SendKeys = Made | ((ulong)(Made + 1) << 8) | ((ulong)(Made + 2) << 16);
        if (n < 3)
        {
            answer->SendKeys &= (1UL << (8 * (int)n)) - 1; // the rest void
        }

        return InvocationResult.Ok;
    }

    /// <summary>All n sent keys must be live objects of this kind owned by this bank, no two the same; then each is rescinded and freed.</summary>
    private static InvocationResult Reclaim(ref ObjectMap map, int bank, ulong n, ulong type)
    {
        if (n == 0 || n > BankProtocol.MaxPerCall)
        {
            return InvocationResult.RequestError;
        }

        var range = new RangeKeyRef(map.RangeRegister);
        ulong* offsets = stackalloc ulong[3];
        for (int i = 0; i < (int)n; i++)
        {
            if (range.Identify((byte)(Received + i), out offsets[i], out ulong kind) != InvocationResult.Ok
                || kind != type || offsets[i] >= (ulong)map.Count || map.Owner[(int)offsets[i]] != bank + 1
                || (i > 0 && offsets[i] == offsets[0]) || (i > 1 && offsets[i] == offsets[1]))
            {
                return InvocationResult.RequestError;
            }
        }

        for (int i = 0; i < (int)n; i++)
        {
            range.Rescind(offsets[i], out _);
            map.Release((int)offsets[i]);
        }

        map.AddToCounts(ref s_banks, bank, -(int)n);
        return InvocationResult.Ok;
    }

    /// <summary>W0 = 1 when the sent key is a live object this bank owns; W1 = 1 when a live bank owns it.</summary>
    private static void Owns(int bank, InvocationMessage* answer)
    {
        ulong owner = 0;
        if (new RangeKeyRef(PageRange).Identify(Received, out ulong offset, out ulong kind) == InvocationResult.Ok && kind == 1
            && offset < (ulong)s_pages.Count)
        {
            owner = s_pages.Owner[(int)offset];
        }
        else if (new RangeKeyRef(NodeRange).Identify(Received, out offset, out kind) == InvocationResult.Ok && kind == 2
            && offset < (ulong)s_nodes.Count)
        {
            owner = s_nodes.Owner[(int)offset];
        }

        answer->W0 = owner == (ulong)bank + 1 ? 1UL : 0UL;
        answer->W1 = owner != 0 ? 1UL : 0UL;
    }

    private static InvocationResult CreateChild(int bank, InvocationMessage* answer)
    {
        int child = s_banks.NextIndex;
        if (child >= BankTable.Capacity)
        {
            return InvocationResult.NoMoreNodes; // every index has been handed out (BankTable I2)
        }

        InvocationResult made = new ProcessKeyRef(SelfKey).MakeStartKey((ushort)child, Made);
        if (made != InvocationResult.Ok)
        {
            return made;
        }

        s_banks.Parent[child] = (ushort)bank;
        s_pages.Limit[child] = uint.MaxValue;
        s_nodes.Limit[child] = uint.MaxValue;
        s_banks.Flags[child] = BankTable.Alive;
        s_banks.NextIndex = child + 1;
        answer->SendKeys = Made;
        return InvocationResult.Ok;
    }

    private static InvocationResult SetLimits(int bank, ulong pages, ulong nodes)
    {
        if ((s_banks.Flags[bank] & BankTable.NoLimits) != 0)
        {
            return InvocationResult.NoAccess;
        }

        s_pages.Limit[bank] = pages >= BankProtocol.NoLimit ? uint.MaxValue : (uint)pages;
        s_nodes.Limit[bank] = nodes >= BankProtocol.NoLimit ? uint.MaxValue : (uint)nodes;
        return InvocationResult.Ok;
    }

    private static InvocationResult Preclude(int bank, ulong mask)
    {
        if (mask == 0 || (mask & ~(BankProtocol.PrecludeDestroy | BankProtocol.PrecludeLimits)) != 0)
        {
            return InvocationResult.RequestError;
        }

        s_banks.Flags[bank] |= (byte)(((mask & BankProtocol.PrecludeDestroy) != 0 ? BankTable.NoDestroy : 0)
            | ((mask & BankProtocol.PrecludeLimits) != 0 ? BankTable.NoLimits : 0));
        return InvocationResult.Ok;
    }

    /// <summary>
    /// Marks the bank and its live descendants Dying (one pass in index order: BankTable I1), rescinds or hands to
    /// the parent every object they own, takes their counts off the ancestors (with objects), and retires them.
    /// </summary>
    private static InvocationResult Destroy(int bank, bool withObjects)
    {
        if (bank == 0 || (s_banks.Flags[bank] & BankTable.NoDestroy) != 0)
        {
            return InvocationResult.NoAccess;
        }

        s_banks.Flags[bank] |= BankTable.Dying;
        for (int b = bank + 1; b < s_banks.NextIndex; b++)
        {
            if ((s_banks.Flags[b] & BankTable.Alive) != 0 && (s_banks.Flags[s_banks.Parent[b]] & BankTable.Dying) != 0)
            {
                s_banks.Flags[b] |= BankTable.Dying;
            }
        }

        int parent = s_banks.Parent[bank];
        Dispose(ref s_pages, parent, withObjects);
        Dispose(ref s_nodes, parent, withObjects);
        if (withObjects)
        {
            s_pages.AddToCounts(ref s_banks, parent, -(int)s_pages.Allocated[bank]);
            s_nodes.AddToCounts(ref s_banks, parent, -(int)s_nodes.Allocated[bank]);
        }

        for (int b = bank; b < s_banks.NextIndex; b++)
        {
            if ((s_banks.Flags[b] & BankTable.Dying) != 0)
            {
                s_banks.Flags[b] = 0;
            }
        }

        return InvocationResult.Ok;
    }

    private static void Dispose(ref ObjectMap map, int parent, bool rescind)
    {
        var range = new RangeKeyRef(map.RangeRegister);
        for (int offset = 0; offset < map.Count; offset++)
        {
            int owner = map.Owner[offset] - 1;
            if (owner < 0 || (s_banks.Flags[owner] & BankTable.Dying) == 0)
            {
                continue;
            }

            if (rescind)
            {
                range.Rescind((ulong)offset, out _);
                map.Release(offset);
            }
            else
            {
                map.Owner[offset] = (ushort)(parent + 1);
            }
        }
    }

    /// <summary>The audit's per-bank tally (BankAudit), in bss like the maps; only its first NextIndex words are touched.</summary>
    private struct AuditScratch
    {
        public fixed uint PerBank[BankTable.Capacity];
    }
}
