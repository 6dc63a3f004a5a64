using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.ServicesWorkload;

/// <summary>
/// A bank worker (docs/plug.md "The services workload"). At its first step it makes a home bank under the prime
/// bank and a record node in it; then each step draws one action from (identity, step): create a child bank (under
/// the home bank or another child, limits or none), allocate 1-3 pages or nodes in a bank (refused exactly when a
/// limit of the bank or an ancestor is passed), reclaim 1-3 objects, reclaim through a bank that does not own the
/// object (refused, nothing changed), destroy a bank with its objects or returning them to its parent, set limits,
/// restamp an object. Keys that must read void from then on (reclaimed objects, objects of banks destroyed with
/// them, dead banks) go into the record node, one of its 16 slots after another.
/// Checks: V1 a fresh page reads zero and a fresh node's slot 0 is void (nobody else holds it); V2 every held key
/// is a live object of its kind, its believed bank Owns it, and it holds its stamp; V3 each of its banks counts
/// exactly the objects the model puts under it; V4 every record slot reads void; V5 the server's audit (A1-A5)
/// passes. A step checks a window (two objects, every bank, one record slot); every eighth checks everything and
/// runs the audit, printing <c>services: audit ok banks=B pages=P nodes=N</c>. Any failure prints
/// <c>services: FAIL ...</c> and exits.
/// </summary>
internal static unsafe class BankWorker
{
    private const byte Home = 5;
    private const byte RecordNode = 6;
    private const byte FirstChild = 8;      // 8, 9, 10: banks 1..3
    private const byte FirstObject = 16;    // 16..27: object slots
    private const byte Scratch = 29;
    private const ulong PageType = 8;       // KeyType.Page
    private const ulong NodeType = 9;       // KeyType.Node
    private const int RecordSlots = 16;
    private const uint NumberValue = 1;     // the number key's order: W0 = its words 0 and 1

    private static BankModel s_model;
    private static bool s_started;
    private static Page s_page;

    public static void Run(ulong identity)
    {
        if (!s_started)
        {
            Program.Expect("create the home bank", new BankKeyRef(Program.ServiceKey).CreateChild(Home), InvocationResult.Ok);
            Program.Expect("allocate the record node", Bank(0).AllocNodes(1, RecordNode), InvocationResult.Ok);
            s_model.Live[0] = 1;
            s_model.PageLimit[0] = BankModel.NoLimit;
            s_model.NodeLimit[0] = BankModel.NoLimit;
            s_started = true;
        }

        for (;;)
        {
            ulong next = s_model.Step + 1;
            ulong state = (identity * 0xD6E8FEB86659FD93) ^ (next * 0x9E3779B97F4A7C15);
            Act(ref state, Program.SplitMix(ref state) % 16);
            Check(next);
            s_model.Step = next;
            Program.Step(next, s_model.Digest(identity));
        }
    }

    private static void Act(ref ulong state, ulong action)
    {
        ulong draw = Program.SplitMix(ref state);
        switch (action)
        {
            case 0 or 1:
                CreateChild(draw);
                break;
            case >= 2 and <= 7:
                Allocate(draw, (byte)(Program.SplitMix(ref state) % 2 == 0 ? BankModel.Page : BankModel.Node));
                break;
            case 8 or 9:
                Reclaim(draw);
                break;
            case 10:
                ReclaimThroughAnother(draw);
                break;
            case 11:
                Destroy(draw, withObjects: true);
                break;
            case 12:
                Destroy(draw, withObjects: false);
                break;
            case 13:
                SetLimits(draw);
                break;
            default:
                Restamp(draw, Program.SplitMix(ref state));
                break;
        }
    }

    private static void CreateChild(ulong draw)
    {
        int child = -1;
        for (int b = 1; b < BankModel.Banks && child < 0; b++)
        {
            child = s_model.Live[b] == 0 ? b : -1;
        }

        if (child < 0)
        {
            return;
        }

        int parent = LiveBank(draw, excluding: child);
        Program.Expect("create a child bank", Bank(parent).CreateChild((byte)(FirstChild + child - 1)), InvocationResult.Ok);
        s_model.Live[child] = 1;
        s_model.Parent[child] = (byte)parent;
        s_model.PageLimit[child] = BankModel.NoLimit;
        s_model.NodeLimit[child] = BankModel.NoLimit;
    }

    private static void Allocate(ulong draw, byte kind)
    {
        int bank = LiveBank(draw, excluding: -1);
        uint n = (uint)(1 + ((draw >> 20) % 3));
        n = n < (uint)s_model.FreeSlots() ? n : (uint)s_model.FreeSlots();
        if (n == 0)
        {
            return;
        }

        int first = FreeSlot(0);
        int second = n > 1 ? FreeSlot(first + 1) : -1;
        int third = n > 2 ? FreeSlot(second + 1) : -1;
        bool fits = s_model.Fits(bank, kind, n);
        var key = Bank(bank);
        InvocationResult result;
        if (first + 1 == second && (n < 3 || second + 1 == third))
        {
            result = kind == BankModel.Page ? key.AllocPages(n, Object(first)) : key.AllocNodes(n, Object(first));
        }
        else
        {
            n = 1; // slots not adjacent: one at a time keeps it simple
            fits = s_model.Fits(bank, kind, 1);
            result = kind == BankModel.Page ? key.AllocPages(1, Object(first)) : key.AllocNodes(1, Object(first));
        }

        Program.Expect(fits ? "allocate within the limits" : "allocate past a limit", result,
            fits ? InvocationResult.Ok : kind == BankModel.Page ? InvocationResult.NoMorePages : InvocationResult.NoMoreNodes);
        if (!fits)
        {
            return;
        }

        for (int i = 0; i < (int)n; i++)
        {
            int slot = first + i;
            Fresh(slot, kind);
            s_model.Kind[slot] = kind;
            s_model.Owner[slot] = (byte)bank;
            Stamp(slot, (s_model.Step << 8) | (uint)slot | 0x5500_0000_0000_0000);
        }
    }

    private static void Reclaim(ulong draw)
    {
        int slot = HeldSlot(draw);
        if (slot < 0)
        {
            return;
        }

        byte kind = s_model.Kind[slot];
        int owner = s_model.Owner[slot];
        ulong registers = 0;
        int n = 0;
        for (int s = slot; s < BankModel.Slots && n < 1 + (int)((draw >> 24) % 3); s++)
        {
            if (s_model.Kind[s] == kind && s_model.Owner[s] == owner)
            {
                registers |= (ulong)(uint)Object(s) << (8 * n);
                n++;
            }
        }

        for (int i = 0; i < n; i++)
        {
            Record((byte)(registers >> (8 * i)));
        }

        InvocationResult result = kind == BankModel.Page
            ? Bank(owner).ReclaimPages((ulong)n, registers) : Bank(owner).ReclaimNodes((ulong)n, registers);
        Program.Expect("reclaim through the owner", result, InvocationResult.Ok);
        for (int i = 0; i < n; i++)
        {
            int s = (byte)(registers >> (8 * i)) - FirstObject;
            s_model.Kind[s] = BankModel.Empty;
            Program.Expect("a reclaimed object reads void", Gate.AllegedType((byte)(FirstObject + s), out _), InvocationResult.Void);
        }
    }

    /// <summary>B5: a reclaim through a live bank that does not own the object is refused and changes nothing.</summary>
    private static void ReclaimThroughAnother(ulong draw)
    {
        int slot = HeldSlot(draw);
        int other = slot < 0 ? -1 : LiveBank(draw >> 8, excluding: s_model.Owner[slot]);
        if (slot < 0 || other < 0 || other == s_model.Owner[slot])
        {
            return;
        }

        InvocationResult result = s_model.Kind[slot] == BankModel.Page
            ? Bank(other).ReclaimPages(1, Object(slot)) : Bank(other).ReclaimNodes(1, Object(slot));
        Program.Expect("reclaim through a bank that does not own it", result, InvocationResult.RequestError);
        CheckObject(slot);
    }

    private static void Destroy(ulong draw, bool withObjects)
    {
        int bank = LiveBank(draw, excluding: 0);
        if (bank == 0)
        {
            return;
        }

        int parent = s_model.Parent[bank];
        for (int s = 0; s < BankModel.Slots; s++)
        {
            if (s_model.Kind[s] != BankModel.Empty && s_model.Under(s_model.Owner[s], bank))
            {
                if (withObjects)
                {
                    Record(Object(s));
                    s_model.Kind[s] = BankModel.Empty;
                }
                else
                {
                    s_model.Owner[s] = (byte)parent;
                }
            }
        }

        InvocationResult result = withObjects ? Bank(bank).DestroyWithObjects() : Bank(bank).DestroyReturningObjects();
        Program.Expect(withObjects ? "destroy a bank with its objects" : "destroy a bank returning its objects", result, InvocationResult.Ok);
        for (int b = BankModel.Banks - 1; b > 0; b--)
        {
            if (s_model.Live[b] != 0 && s_model.Under(b, bank))
            {
                Record((byte)(FirstChild + b - 1));
            }
        }

        for (int b = BankModel.Banks - 1; b > 0; b--)
        {
            if (s_model.Live[b] != 0 && s_model.Under(b, bank))
            {
                s_model.Live[b] = 0;
            }
        }

        CheckAll();
    }

    private static void SetLimits(ulong draw)
    {
        int bank = LiveBank(draw, excluding: 0);
        if (bank == 0)
        {
            return;
        }

        uint pages = s_model.Count(bank, BankModel.Page) + (uint)((draw >> 16) % 4);
        uint nodes = s_model.Count(bank, BankModel.Node) + (uint)((draw >> 24) % 4);
        Program.Expect("set limits", Bank(bank).SetLimits(pages, nodes), InvocationResult.Ok);
        s_model.PageLimit[bank] = pages;
        s_model.NodeLimit[bank] = nodes;
    }

    private static void Restamp(ulong draw, ulong stamp)
    {
        int slot = HeldSlot(draw);
        if (slot >= 0)
        {
            Stamp(slot, stamp | 1);
        }
    }

    /// <summary>The window every step; everything and the audit every eighth.</summary>
    private static void Check(ulong step)
    {
        if (step % 8 == 0)
        {
            CheckAll();
            Audit();
            return;
        }

        CheckObject((int)(step % BankModel.Slots));
        CheckObject((int)((step + 5) % BankModel.Slots));
        CheckBanks();
        CheckRecordSlot((int)(step % RecordSlots));
    }

    private static void CheckAll()
    {
        for (int s = 0; s < BankModel.Slots; s++)
        {
            CheckObject(s);
        }

        CheckBanks();
        for (int r = 0; r < RecordSlots; r++)
        {
            CheckRecordSlot(r);
        }
    }

    /// <summary>V2.</summary>
    private static void CheckObject(int slot)
    {
        byte kind = s_model.Kind[slot];
        if (kind == BankModel.Empty)
        {
            return;
        }

        Program.Expect("a held key is live", Gate.AllegedType(Object(slot), out ulong type), InvocationResult.Ok);
        Program.Expect("a held key's type", type, kind == BankModel.Page ? PageType : NodeType);
        Program.Expect("owns answered", Bank(s_model.Owner[slot]).Owns(Object(slot), out bool mine, out bool owned), InvocationResult.Ok);
        Program.Expect("the believed bank owns the object, slot=", mine && owned ? 0UL : (ulong)slot + 1, 0);
        Program.Expect("an object holds its stamp, slot=", ReadStamp(slot), s_model.Stamp[slot]);
    }

    /// <summary>V3: GetLimits of each live bank counts what the model puts under it (the home bank: and the record node).</summary>
    private static void CheckBanks()
    {
        for (int b = 0; b < BankModel.Banks; b++)
        {
            if (s_model.Live[b] == 0)
            {
                continue;
            }

            Program.Expect("get limits", Bank(b).GetLimits(out ulong pageLimit, out ulong nodeLimit, out ulong pages, out ulong nodes), InvocationResult.Ok);
            Program.Expect("a bank's page count, bank=", pages, s_model.Count(b, BankModel.Page));
            Program.Expect("a bank's node count, bank=", nodes, s_model.Count(b, BankModel.Node) + (b == 0 ? 1UL : 0));
            Program.Expect("a bank's page limit", pageLimit, s_model.PageLimit[b] == BankModel.NoLimit ? BankProtocol.NoLimit : s_model.PageLimit[b]);
            Program.Expect("a bank's node limit", nodeLimit, s_model.NodeLimit[b] == BankModel.NoLimit ? BankProtocol.NoLimit : s_model.NodeLimit[b]);
        }
    }

    /// <summary>V4.</summary>
    private static void CheckRecordSlot(int slot)
    {
        Program.Expect("copy a record slot", new NodeKeyRef(RecordNode).CopySlot(slot, Scratch), InvocationResult.Ok);
        Program.Expect("a recorded key reads void, record slot=", Gate.AllegedType(Scratch, out _) == InvocationResult.Void ? 0UL : (ulong)slot + 1, 0);
    }

    /// <summary>V5.</summary>
    private static void Audit()
    {
        Program.Expect("audit answered", Bank(0).Audit(out ulong code, out ulong where, out ulong banks, out ulong objects), InvocationResult.Ok);
        if (code != BankProtocol.AuditOk)
        {
            Program.Fail("bank audit rule=", code, where);
        }

        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Text.AppendDecimal(line, Text.Append(line, 0, "services: audit ok banks="), banks);
        at = Text.AppendDecimal(line, Text.Append(line, at, " pages="), objects >> 32);
        Console.WriteLine(line, Text.AppendDecimal(line, Text.Append(line, at, " nodes="), objects & 0xFFFF_FFFF));
    }

    /// <summary>V1: nobody else holds a fresh object.</summary>
    private static void Fresh(int slot, byte kind)
    {
        if (kind == BankModel.Node)
        {
            Program.Expect("copy a fresh node's slot", new NodeKeyRef(Object(slot)).CopySlot(0, Scratch), InvocationResult.Ok);
            Program.Expect("a fresh node's slot 0 is void", Gate.AllegedType(Scratch, out _), InvocationResult.Void);
            return;
        }

        fixed (Page* page = &s_page)
        {
            byte* bytes = page->Bytes;
            Program.Expect("read a fresh page", new PageKeyRef(Object(slot)).ReadBytes(0, bytes, 4096, out int read), InvocationResult.Ok);
            Program.Expect("a fresh page's length", (ulong)read, 4096);
            for (int i = 0; i < 4096; i += 8)
            {
                Program.Expect("a fresh page reads zero at byte=", *(ulong*)(bytes + i) == 0 ? 0UL : (ulong)i + 1, 0);
            }
        }
    }

    private static void Stamp(int slot, ulong stamp)
    {
        InvocationResult result = s_model.Kind[slot] == BankModel.Page
            ? new PageKeyRef(Object(slot)).WriteBytes(0, (byte*)&stamp, 8)
            : new NodeKeyRef(Object(slot)).WriteNumber(0, stamp, 0);
        Program.Expect("stamp an object", result, InvocationResult.Ok);
        s_model.Stamp[slot] = stamp;
    }

    private static ulong ReadStamp(int slot)
    {
        ulong stamp = 0;
        if (s_model.Kind[slot] == BankModel.Page)
        {
            Program.Expect("read a stamp", new PageKeyRef(Object(slot)).ReadBytes(0, (byte*)&stamp, 8, out _), InvocationResult.Ok);
            return stamp;
        }

        Program.Expect("copy a node's stamp", new NodeKeyRef(Object(slot)).CopySlot(0, Scratch), InvocationResult.Ok);
        InvocationResponse reply;
        Program.Expect("read a node's stamp", Gate.Call(Scratch, NumberValue, 0, &reply), InvocationResult.Ok);
        return reply.W0;
    }

    /// <summary>Moves a copy of the key in <paramref name="register"/> into the next record slot.</summary>
    private static void Record(byte register)
    {
        int slot = (int)(s_model.RecordNext % RecordSlots);
        Program.Expect("record a key", new NodeKeyRef(RecordNode).SwapSlot(slot, register, Scratch), InvocationResult.Ok);
        s_model.RecordNext++;
    }

    private static int LiveBank(ulong draw, int excluding)
    {
        int live = 0;
        for (int b = 0; b < BankModel.Banks; b++)
        {
            live += s_model.Live[b] != 0 && b != excluding ? 1 : 0;
        }

        int pick = live == 0 ? 0 : (int)(draw % (ulong)live);
        for (int b = 0; b < BankModel.Banks; b++)
        {
            if (s_model.Live[b] != 0 && b != excluding && pick-- == 0)
            {
                return b;
            }
        }

        return excluding == 0 ? 0 : -1;
    }

    private static int HeldSlot(ulong draw)
    {
        int start = (int)(draw % BankModel.Slots);
        for (int i = 0; i < BankModel.Slots; i++)
        {
            int s = (start + i) % BankModel.Slots;
            if (s_model.Kind[s] != BankModel.Empty)
            {
                return s;
            }
        }

        return -1;
    }

    private static int FreeSlot(int from)
    {
        for (int s = from; s < BankModel.Slots; s++)
        {
            if (s_model.Kind[s] == BankModel.Empty)
            {
                return s;
            }
        }

        return -1;
    }

    private static BankKeyRef Bank(int bank) => new(bank == 0 ? Home : (byte)(FirstChild + bank - 1));

    private static byte Object(int slot) => (byte)(FirstObject + slot);

    private struct Page
    {
        public fixed byte Bytes[4096];
    }
}
