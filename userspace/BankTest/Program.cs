using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.BankTest;

/// <summary>
/// The space bank's test client (system/bank.sys; docs/services.md "Space bank"; SpaceBankTests). It runs every
/// order of the prime bank and of child banks with good and bad arguments and prints <c>bank: ok</c>, or
/// <c>bank: FAIL &lt;check&gt; got=N</c> at the first check that fails; then it measures allocate + reclaim and
/// churns for ever (<see cref="Churn"/>), the plug test's workload.
/// </summary>
internal static unsafe class Program
{
    private const byte Prime = 4;           // the prime bank (key info 0)
    private const byte Pages = 10;          // 10..12
    private const byte Nodes = 13;          // 13..15
    private const byte Child = 16;
    private const byte Grandchild = 17;
    private const byte ChildObjects = 18;   // 18..20
    private const byte Stale = 21;
    private const byte Other = 22;
    private const byte OtherObject = 23;
    private const ulong PageType = 8;       // KeyType.Page
    private const ulong NodeType = 9;       // KeyType.Node

    private static readonly ProcessKeyRef s_self = new(Keys.SelfKey);

    /// <summary>The last alleged key type read.</summary>
    private static ulong type;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        var prime = new BankKeyRef(Prime);
        Expect("KT", Gate.AllegedType(Prime, out ulong type), InvocationResult.Ok);
        Expect("KT type", type, BankProtocol.AllegedType);
        Expect("unknown order", Call(Prime, 99), InvocationResult.UnknownOrder);
        Allocation(prime);
        Reclaim(prime);
        ChildBanks(prime);
        Destroy(prime);
        Capacity(prime);
        Console.WriteLine("bank: ok");
        Measure(prime);
        Churn(prime);
    }

    private static void Allocation(BankKeyRef prime)
    {
        Expect("alloc 0 pages", prime.AllocPages(0, Pages), InvocationResult.RequestError);
        Expect("alloc 4 pages", prime.AllocPages(4, Pages), InvocationResult.RequestError);
        Expect("alloc 4 nodes", prime.AllocNodes(4, Nodes), InvocationResult.RequestError);
        Expect("alloc 3 pages", prime.AllocPages(3, Pages), InvocationResult.Ok);
        for (byte r = Pages; r < Pages + 3; r++)
        {
            Gate.AllegedType(r, out type);
            Expect("allocated page is a page", type, PageType);
        }

        Expect("alloc 2 nodes", prime.AllocNodes(2, Nodes), InvocationResult.Ok);
        Gate.AllegedType(Nodes + 1, out type);
        Expect("allocated node is a node", type, NodeType);
        Expect("third node register void", Gate.AllegedType(Nodes + 2, out _), InvocationResult.Void);
        prime.GetLimits(out ulong pageLimit, out _, out ulong pages, out ulong nodes);
        Expect("prime has no limit", pageLimit, BankProtocol.NoLimit);
        Expect("prime counts 3 pages", pages, 3);
        Expect("prime counts 2 nodes", nodes, 2);
    }

    private static void Reclaim(BankKeyRef prime)
    {
        s_self.CopyKeyRegister(Pages, Stale);
        Expect("reclaim a node as a page", prime.ReclaimPages(1, Nodes), InvocationResult.RequestError);
        Expect("reclaim a page twice in one call", prime.ReclaimPages(2, Pages | (Pages << 8)), InvocationResult.RequestError);
        Expect("reclaim 0", prime.ReclaimPages(0, Pages), InvocationResult.RequestError);
        Expect("reclaim a non-object key", prime.ReclaimPages(1, Prime), InvocationResult.RequestError);
        Expect("refused reclaim changed nothing", Gate.AllegedType(Pages, out _), InvocationResult.Ok);
        Expect("reclaim a page", prime.ReclaimPages(1, Pages), InvocationResult.Ok);
        Expect("reclaimed page key reads void", Gate.AllegedType(Stale, out _), InvocationResult.Void);
        Expect("reclaim a stale key", prime.ReclaimPages(1, Stale), InvocationResult.RequestError);
        Expect("reclaim 2 pages", prime.ReclaimPages(2, (Pages + 1) | ((Pages + 2) << 8)), InvocationResult.Ok);
        Expect("reclaim 2 nodes", prime.ReclaimNodes(2, Nodes | ((Nodes + 1) << 8)), InvocationResult.Ok);
        Expect("reclaimed node reads void", Gate.AllegedType(Nodes, out _), InvocationResult.Void);
        prime.GetLimits(out _, out _, out ulong pages, out ulong nodes);
        Expect("reclaim uncounts pages", pages, 0);
        Expect("reclaim uncounts nodes", nodes, 0);
    }

    private static void ChildBanks(BankKeyRef prime)
    {
        Expect("create child", prime.CreateChild(Child), InvocationResult.Ok);
        var child = new BankKeyRef(Child);
        Expect("verify child", prime.Verify(Child, out bool isBank), InvocationResult.Ok);
        Expect("child is a bank", isBank ? 1UL : 0, 1);
        prime.Verify(Keys.ConsoleKey, out isBank);
        Expect("console is no bank", isBank ? 1UL : 0, 0);
        prime.Verify(Keys.SelfKey, out isBank);
        Expect("process key is no bank", isBank ? 1UL : 0, 0);
        Expect("child creates grandchild", child.CreateChild(Grandchild), InvocationResult.Ok);
        Expect("set limits", child.SetLimits(2, 1), InvocationResult.Ok);
        Expect("past the page limit", child.AllocPages(3, ChildObjects), InvocationResult.NoMorePages);
        Expect("within the page limit", child.AllocPages(2, ChildObjects), InvocationResult.Ok);
        Expect("at the page limit", child.AllocPages(1, Pages), InvocationResult.NoMorePages);
        Expect("ancestor page limit", new BankKeyRef(Grandchild).AllocPages(1, Pages), InvocationResult.NoMorePages);
        Expect("within the node limit", child.AllocNodes(1, ChildObjects + 2), InvocationResult.Ok);
        Expect("past the node limit", child.AllocNodes(1, Nodes), InvocationResult.NoMoreNodes);
        child.GetLimits(out ulong pageLimit, out ulong nodeLimit, out ulong pages, out ulong nodes);
        Expect("child limits", (pageLimit << 32) | nodeLimit, (2UL << 32) | 1);
        Expect("child counts", (pages << 32) | nodes, (2UL << 32) | 1);
        prime.GetLimits(out _, out _, out pages, out nodes);
        Expect("prime counts its descendants", (pages << 32) | nodes, (2UL << 32) | 1);
        Expect("reclaim another bank's page", prime.ReclaimPages(1, ChildObjects), InvocationResult.RequestError);
        Expect("preclude nothing", child.Preclude(0), InvocationResult.RequestError);
        Expect("preclude an unknown bit", child.Preclude(8), InvocationResult.RequestError);
        Expect("preclude limits", child.Preclude(BankProtocol.PrecludeLimits), InvocationResult.Ok);
        Expect("limits precluded", child.SetLimits(5, 5), InvocationResult.NoAccess);
        Expect("prime bank cannot be destroyed", prime.DestroyWithObjects(), InvocationResult.NoAccess);
    }

    private static void Destroy(BankKeyRef prime)
    {
        var child = new BankKeyRef(Child);
        Expect("destroy with objects", child.DestroyWithObjects(), InvocationResult.Ok);
        for (byte r = ChildObjects; r < ChildObjects + 3; r++)
        {
            Expect("destroyed bank's object reads void", Gate.AllegedType(r, out _), InvocationResult.Void);
        }

        Expect("dead bank key reads void", Gate.AllegedType(Child, out _), InvocationResult.Void);
        Expect("dead grandchild reads void", Gate.AllegedType(Grandchild, out _), InvocationResult.Void);
        prime.Verify(Child, out bool isBank);
        Expect("dead bank does not verify", isBank ? 1UL : 0, 0);
        prime.GetLimits(out _, out _, out ulong pages, out ulong nodes);
        Expect("destroy uncounts", pages | nodes, 0);

        Expect("create another", prime.CreateChild(Other), InvocationResult.Ok);
        var other = new BankKeyRef(Other);
        Expect("other allocates", other.AllocPages(1, OtherObject), InvocationResult.Ok);
        Expect("preclude destroy", other.Preclude(BankProtocol.PrecludeDestroy), InvocationResult.Ok);
        Expect("destroy precluded", other.DestroyReturningObjects(), InvocationResult.NoAccess);
        Expect("prime creates a third", prime.CreateChild(Child), InvocationResult.Ok);
        child = new BankKeyRef(Child);
        Expect("third allocates", child.AllocPages(2, ChildObjects), InvocationResult.Ok);
        Expect("destroy returning objects", child.DestroyReturningObjects(), InvocationResult.Ok);
        Expect("returned object is live", Gate.AllegedType(ChildObjects, out _), InvocationResult.Ok);
        prime.GetLimits(out _, out _, out pages, out _);
        Expect("returned objects still counted", pages, 3);
        Expect("parent reclaims a returned object", prime.ReclaimPages(2, ChildObjects | ((ChildObjects + 1) << 8)), InvocationResult.Ok);
        Expect("returned page reclaimed", Gate.AllegedType(ChildObjects, out _), InvocationResult.Void);
    }

    /// <summary>Allocation past the disk's free pages fails with NoMorePages; destroying the bank gives them back.</summary>
    private static void Capacity(BankKeyRef prime)
    {
        Expect("create a hog", prime.CreateChild(Child), InvocationResult.Ok);
        var hog = new BankKeyRef(Child);
        ulong taken = 0;
        InvocationResult result;
        while ((result = hog.AllocPages(3, Pages)) == InvocationResult.Ok)
        {
            taken += 3;
        }

        Expect("the disk runs out of pages", result, InvocationResult.NoMorePages);
        while (hog.AllocPages(1, Pages) == InvocationResult.Ok)
        {
            taken++;
        }

        Expect("the hog took pages", taken > 100 ? 1UL : 0, 1);
        Expect("the prime bank is out too", prime.AllocPages(1, Pages), InvocationResult.NoMorePages);
        Expect("destroy the hog", hog.DestroyWithObjects(), InvocationResult.Ok);
        Expect("pages again", prime.AllocPages(1, Pages), InvocationResult.Ok);
        Expect("reclaim it", prime.ReclaimPages(1, Pages), InvocationResult.Ok);
    }

    /// <summary>TSC ticks of one allocate + reclaim of a page, the mean of 100.</summary>
    private static void Measure(BankKeyRef prime)
    {
        const ulong rounds = 100;
        ulong start = Tsc.Read();
        for (ulong i = 0; i < rounds; i++)
        {
            prime.AllocPages(1, Pages);
            prime.ReclaimPages(1, Pages);
        }

        ulong ticks = (Tsc.Read() - start) / rounds;
        byte* line = stackalloc byte[64];
        Console.WriteLine(line, Text.AppendDecimal(line, Text.Append(line, 0, "bank: alloc+reclaim ticks="), ticks));
    }

    /// <summary>
    /// For ever: a child bank holds 8 pages (keys in 20..27); each step copies one key, reclaims it (the bank must
    /// still say this bank owns it), checks the copy reads void, allocates a replacement, and checks every held key
    /// is a live page and the bank counts exactly 8. After a crash the process resumes mid-loop from the last
    /// checkpoint; every check then runs against the recovered bank.
    /// </summary>
    private static void Churn(BankKeyRef prime)
    {
        const byte churnBank = 29;
        const byte held = 20;
        const byte copy = 28;
        prime.GetLimits(out _, out _, out ulong others, out _); // the precluded bank's page is still out
        Expect("churn bank", prime.CreateChild(churnBank), InvocationResult.Ok);
        var bank = new BankKeyRef(churnBank);
        for (byte r = held; r < held + 8; r++)
        {
            Expect("churn fill", bank.AllocPages(1, r), InvocationResult.Ok);
        }

        byte* line = stackalloc byte[64];
        for (ulong step = 0; ; step++)
        {
            byte slot = (byte)(held + (step % 8));
            s_self.CopyKeyRegister(slot, copy);
            Expect("churn: an owned page reclaims", bank.ReclaimPages(1, slot), InvocationResult.Ok);
            Expect("churn: the reclaimed page reads void", Gate.AllegedType(copy, out _), InvocationResult.Void);
            Expect("churn: allocate", bank.AllocPages(1, slot), InvocationResult.Ok);
            for (byte r = held; r < held + 8; r++)
            {
                Gate.AllegedType(r, out type);
                Expect("churn: every held key is a live page", type, PageType);
            }

            bank.GetLimits(out _, out _, out ulong pages, out ulong nodes);
            Expect("churn: the bank counts what is held", pages, 8);
            prime.GetLimits(out _, out _, out pages, out _);
            Expect("churn: the prime bank counts what is held", pages, others + 8);
            Console.WriteLine(line, Text.AppendDecimal(line, Text.Append(line, 0, "bank: churn step="), step));
        }
    }

    private static InvocationResult Call(byte register, uint order)
    {
        InvocationResponse reply;
        return Gate.Call(register, order, 0, &reply);
    }

    private static void Expect(string check, InvocationResult got, InvocationResult want) => Expect(check, (ulong)got, (ulong)want);

    private static void Expect(string check, ulong got, ulong want)
    {
        if (got == want)
        {
            return;
        }

        byte* line = stackalloc byte[128];
        ulong length = Text.Append(line, 0, "bank: FAIL ");
        length = Text.Append(line, length, check);
        length = Text.AppendDecimal(line, Text.Append(line, length, " got="), got);
        Console.WriteLine(line, length);
        Keys.Exit();
    }
}
