using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;
using CapOS.VirtualCopy;

namespace CapOS.VirtualCopyTest;

/// <summary>
/// The driver (role 1): every maker order with good and bad arguments, then the children's spaces made virtual
/// copies and checked from outside (the template through its key, the copy through the segment's). Prints
/// <c>vcsk: ok</c> or <c>vcsk: FAIL &lt;check&gt; got=N</c> at the first check that fails, then starts the grower and
/// waits for ever.
/// </summary>
internal static unsafe class Driver
{
    private const byte Sleep = 3;
    private const byte Maker = 4;
    private const byte Prime = 6;
    private const byte ChildProcess = 7;
    private const byte GrowerProcess = 8;
    private const byte KeyBits = 9;
    private const byte Discrim = 10;
    private const byte Template = 12;
    private const byte Segment = 13;
    private const byte ChildBank = 14;
    private const byte Scratch = 15;
    private const byte Frozen = 16;
    private const byte Frozen2 = 17;
    private const byte Segment2 = 18;
    private const byte LimitedBank = 19;
    private const byte Page = 20;
    private const byte DemandZero = 21;
    private const byte KeeperFacet = 22;
    private const byte Bought = 23;
    private const byte NodeBank = 24;
    private const byte LowTemplate = 27;
    private const byte LowSegment = 28;
    private const byte GrowerTemplate = 25;
    private const byte GrowerSegment = 26;
    private const byte GrowerResume = 30;
    private const byte Resume = 31;
    private const ulong SegmentType = 10;

    private static readonly VirtualCopyKeyRef s_maker = new(Maker);
    private static readonly BankKeyRef s_prime = new(Prime);
    private static bool s_growerWaiting;

    public static void Run()
    {
        InvocationResponse request = Wait(1);
        ulong marker = request.W0;
        Expect("child's marker as built", request.W1, Child.Initial);
        BadArguments();
        DemandZeroSegment();
        VirtualCopy(marker);
        Limits(marker);
        Console.WriteLine("vcsk: ok");
        StartGrower();
    }

    private static void BadArguments()
    {
        Expect("KT", Call(Maker, KeyOrder.AllegedKeyType, 0, 0, out ulong type), InvocationResult.Ok);
        Expect("KT type", type, VirtualCopyProtocol.AllegedType);
        Expect("unknown order", Call(Maker, 99, 0, 0, out _), InvocationResult.UnknownOrder);
        Expect("demand zero without a bank", s_maker.CreateDemandZero(0, Scratch), InvocationResult.RequestError);
        Expect("demand zero from the console key", s_maker.CreateDemandZero(Keys.ConsoleKey, Scratch), InvocationResult.RequestError);
        Expect("demand zero from the maker", s_maker.CreateDemandZero(Maker, Scratch), InvocationResult.RequestError);
        Expect("copy of nothing", s_maker.CreateCopy(Prime, 0, Scratch), InvocationResult.RequestError);
        s_prime.AllocPages(1, Page);
        Expect("copy of a page", s_maker.CreateCopy(Prime, Page, Scratch), InvocationResult.RequestError);
        Expect("freeze nothing", s_maker.Freeze(0, Scratch), InvocationResult.RequestError);
        Expect("destroy nothing", s_maker.Destroy(0), InvocationResult.RequestError);
        s_prime.AllocNodes(1, Bought);
        new NodeKeyRef(Bought).MakeSegmentKey(VirtualCopyProtocol.RedHeight | 0x100, 0, Scratch); // red, but not this keeper's
        Expect("freeze a red segment not made here", s_maker.Freeze(Scratch, Frozen), InvocationResult.RequestError);
        Expect("destroy a red segment not made here", s_maker.Destroy(Scratch), InvocationResult.RequestError);
        Expect("copy of a red segment", s_maker.CreateCopy(Prime, Scratch, Frozen), InvocationResult.RequestError);
        Expect("destroy a node key", s_maker.Destroy(Bought), InvocationResult.RequestError);

        var bank = new BankKeyRef(LimitedBank);
        s_prime.CreateChild(LimitedBank);
        bank.SetLimits(BankProtocol.NoLimit, 0);
        Expect("a bank with no nodes left", s_maker.CreateDemandZero(LimitedBank, Scratch), InvocationResult.NoMoreNodes);
        bank.DestroyWithObjects();
        Expect("a destroyed bank", s_maker.CreateDemandZero(LimitedBank, Scratch), InvocationResult.Void);
        FreezeALowSpace();
    }

    /// <summary>Freeze of a copy of a height-2 space needs a node: refused while the bank has none, with nothing changed.</summary>
    private static void FreezeALowSpace()
    {
        var bank = new BankKeyRef(NodeBank);
        s_prime.CreateChild(NodeBank);
        bank.SetLimits(BankProtocol.NoLimit, 1);
        new NodeKeyRef(Bought).MakeSegmentKey(2, 0, LowTemplate);
        Expect("copy of a height-2 space", s_maker.CreateCopy(NodeBank, LowTemplate, LowSegment), InvocationResult.Ok);
        Expect("freeze with no node left", s_maker.Freeze(LowSegment, Frozen), InvocationResult.NoMoreNodes);
        bank.GetLimits(out _, out _, out _, out ulong nodes);
        Expect("the refused freeze bought nothing", nodes, 1);
        bank.SetLimits(BankProtocol.NoLimit, BankProtocol.NoLimit);
        Expect("freeze with a node to spare", s_maker.Freeze(LowSegment, Frozen), InvocationResult.Ok);
        Expect("destroy it", s_maker.Destroy(LowSegment), InvocationResult.Ok);
        bank.GetLimits(out _, out _, out _, out nodes);
        Expect("the frozen template's node is not reclaimed", nodes, 1);
    }

    private static void DemandZeroSegment()
    {
        Expect("demand zero", s_maker.CreateDemandZero(Prime, DemandZero), InvocationResult.Ok);
        Expect("KT of a segment", Call(DemandZero, KeyOrder.AllegedKeyType, 0, 0, out ulong type), InvocationResult.Ok);
        Expect("it is a segment key", type, SegmentType);
        new NodeKeyRef(DemandZero).CopySlot(31, KeeperFacet);
        Expect("a maker order on the keeper facet", Call(KeeperFacet, VirtualCopyProtocol.Freeze, 0, 0, out _), InvocationResult.NoAccess);
        Expect("KT on the keeper facet", Call(KeeperFacet, KeyOrder.AllegedKeyType, 0, 0, out _), InvocationResult.NoAccess);
        Expect("a forged fault with no segment", Call(KeeperFacet, 2, 0x1000, 0x1000, out _), InvocationResult.RequestError);
        Expect("freeze demand zero", s_maker.Freeze(DemandZero, Frozen), InvocationResult.Ok);
        new DiscrimKeyRef(Discrim).IsDiscreet(Frozen, out bool discreet);
        Expect("a frozen template is discreet", discreet ? 1UL : 0UL, 1);
        Expect("destroy demand zero", s_maker.Destroy(DemandZero), InvocationResult.Ok);
        Expect("a destroyed segment's key", Call(DemandZero, KeyOrder.AllegedKeyType, 0, 0, out _), InvocationResult.Void);
        Expect("destroy it again", s_maker.Destroy(DemandZero), InvocationResult.RequestError);
        MapAndUnmap();
    }

    /// <summary>V9: Map and Unmap refuse what is not theirs to do and change nothing then; the space's Destroy leaves a mapped segment alone.</summary>
    private static void MapAndUnmap()
    {
        const ulong At = 0x4000_0000_0000;
        Expect("demand zero of height 1", s_maker.CreateDemandZero(Prime, Segment2, 1), InvocationResult.RequestError);
        Expect("demand zero of height 9", s_maker.CreateDemandZero(Prime, Segment2, 9), InvocationResult.RequestError);
        Expect("the space", s_maker.CreateDemandZero(Prime, DemandZero), InvocationResult.Ok);
        Expect("a segment of height 3", s_maker.CreateDemandZero(Prime, Segment2, 3), InvocationResult.Ok);
        s_prime.GetLimits(out _, out _, out ulong pages, out ulong nodes);
        Expect("map a page", s_maker.Map(DemandZero, Page, At), InvocationResult.RequestError);
        Expect("map into a segment not made here", s_maker.Map(Scratch, Segment2, At), InvocationResult.RequestError);
        Expect("map a space into a lower segment", s_maker.Map(Segment2, DemandZero, 0), InvocationResult.RequestError);
        Expect("map at an unaligned offset", s_maker.Map(DemandZero, Segment2, At + 0x1000), InvocationResult.RequestError);
        Expect("map beyond the space", s_maker.Map(DemandZero, Segment2, 1UL << 47), InvocationResult.RequestError);
        Expect("unmap what is not mapped", s_maker.Unmap(DemandZero, Segment2, At), InvocationResult.RequestError);
        s_prime.GetLimits(out _, out _, out ulong pagesAfter, out ulong nodesAfter);
        Expect("refused maps bought nothing", (pagesAfter - pages) + (nodesAfter - nodes), 0);
        Expect("map", s_maker.Map(DemandZero, Segment2, At), InvocationResult.Ok);
        Expect("map over a mapped segment", s_maker.Map(DemandZero, Segment2, At), InvocationResult.RequestError);
        Expect("unmap elsewhere", s_maker.Unmap(DemandZero, Segment2, At + (1UL << 27)), InvocationResult.RequestError);
        Expect("unmap", s_maker.Unmap(DemandZero, Segment2, At), InvocationResult.Ok);
        Expect("unmap again", s_maker.Unmap(DemandZero, Segment2, At), InvocationResult.RequestError);
        Expect("map again", s_maker.Map(DemandZero, Segment2, At), InvocationResult.Ok);
        Expect("destroy the space", s_maker.Destroy(DemandZero), InvocationResult.Ok);
        Expect("the mapped segment outlives it", Call(Segment2, KeyOrder.AllegedKeyType, 0, 0, out ulong type), InvocationResult.Ok);
        Expect("it is still a segment", type, SegmentType);
        Expect("destroy the segment", s_maker.Destroy(Segment2), InvocationResult.Ok);
        s_prime.GetLimits(out _, out _, out pagesAfter, out nodesAfter);
        Expect("everything went back", (pages - pagesAfter) + (nodes - nodesAfter), 2); // the two red nodes
    }

    /// <summary>The child's space becomes a virtual copy of itself; its writes copy, the template never changes; then freeze.</summary>
    private static void VirtualCopy(ulong marker)
    {
        var child = new ProcessKeyRef(ChildProcess);
        child.CopyRootSlot(2, Template);
        s_prime.CreateChild(ChildBank);
        Expect("copy", s_maker.CreateCopy(ChildBank, Template, Segment), InvocationResult.Ok);
        Expect("swap the copy in", child.SwapRootSlot(2, Segment, 0), InvocationResult.Ok);
        Expect("child's copy-on-write and demand-zero checks", Answer(Child.CheckCopies, 1).W0, 0);
        Expect("the template is unchanged", Read(Template, marker), Child.Initial);
        Expect("the copy holds the write", Read(Segment, marker), Child.FirstWrite);
        var bank = new BankKeyRef(ChildBank);
        bank.GetLimits(out _, out _, out ulong pages, out ulong nodes);
        Expect("child's reads of fresh pages", Answer(Child.ReadFar, 1).W0, 0);
        bank.GetLimits(out _, out _, out ulong pagesAfter, out ulong nodesAfter);
        Expect("reads bought no page", pagesAfter, pages);
        Expect("reads bought no node", nodesAfter, nodes);

        Expect("child's write in a fresh leaf", Answer(Child.TouchNextLeaf, 1).W0, 0);
        Expect("freeze", s_maker.Freeze(Segment, Frozen), InvocationResult.Ok);
        new DiscrimKeyRef(Discrim).IsDiscreet(Frozen, out bool discreet);
        Expect("the frozen template is discreet", discreet ? 1UL : 0UL, 1);
        Expect("child's checks after the freeze", Answer(Child.WriteAgain, 1).W0, 0);
        Expect("the frozen template did not change", Read(Frozen, marker), Child.FirstWrite);
        Expect("nor its page in the keeper's last leaf", Read(Frozen, Child.LeafPage), 71);
        Expect("the segment went on", Read(Segment, marker), Child.SecondWrite);
        Expect("the first template still did not change", Read(Template, marker), Child.Initial);
        s_maker.Statistics(out ulong served, out ulong calls, out ulong most, out ulong notServed);
        Program.Print("vcsk: faults", "served", served, "invocations", calls, "most", most, "not-served", notServed);
    }

    /// <summary>A copy whose bank runs out: the child is left parked; then Destroy gives everything back.</summary>
    private static void Limits(ulong marker)
    {
        var child = new ProcessKeyRef(ChildProcess);
        var bank = new BankKeyRef(LimitedBank);
        Expect("freeze again", s_maker.Freeze(Segment, Frozen2), InvocationResult.Ok);
        s_prime.CreateChild(LimitedBank);
        bank.SetLimits(12, BankProtocol.NoLimit);
        Expect("copy from a limited bank", s_maker.CreateCopy(LimitedBank, Frozen2, Segment2), InvocationResult.Ok);
        child.SwapRootSlot(2, Segment2, 0);
        Send(Child.GrowUntilStopped);
        // The fault code is set while a fault waits for the keeper too: wait until the keeper has counted (and so answered) the one it could not serve.
        ulong notServed = 0;
        for (int i = 0; i < 400 && notServed < 2; i++)
        {
            new SleepKeyRef(Sleep).Sleep(25, out _);
            s_maker.Statistics(out _, out _, out _, out notServed);
        }

        Expect("the keeper counted the fault it could not serve (and the forged one)", notServed, 2);
        child.GetState(out _, out ulong faultCode, out _);
        Expect("a child whose bank ran out is parked on its write", faultCode, 2);
        bank.GetLimits(out _, out _, out ulong pages, out ulong nodes);
        Expect("its bank is at its limit", pages, 12);
        Expect("the marker page", PageAt(Segment2, marker, Page), InvocationResult.Ok);
        Expect("the copy's marker", Read(Segment2, marker), Child.ThirdWrite);

        Expect("destroy", s_maker.Destroy(Segment2), InvocationResult.Ok);
        Expect("a page the segment bought reads void", Call(Page, KeyOrder.AllegedKeyType, 0, 0, out _), InvocationResult.Void);
        Expect("the segment's key reads void", Call(Segment2, KeyOrder.AllegedKeyType, 0, 0, out _), InvocationResult.Void);
        bank.GetLimits(out _, out _, out pages, out nodes);
        Expect("every page went back to the bank", pages, 0);
        Expect("every node went back to the bank", nodes, 0);
        Expect("destroy the first copy", s_maker.Destroy(Segment), InvocationResult.Ok);
        Expect("the template still reads", Read(Frozen2, marker), Child.SecondWrite);
    }

    /// <summary>The grower's space becomes a virtual copy and it is told to grow; this process then waits for ever.</summary>
    private static void StartGrower()
    {
        if (!s_growerWaiting)
        {
            Wait(2);
            new ProcessKeyRef(Keys.SelfKey).CopyKeyRegister(Resume, GrowerResume);
        }

        var grower = new ProcessKeyRef(GrowerProcess);
        grower.CopyRootSlot(2, GrowerTemplate);
        Expect("the grower's copy", s_maker.CreateCopy(Prime, GrowerTemplate, GrowerSegment), InvocationResult.Ok);
        grower.SwapRootSlot(2, GrowerSegment, 0);
        InvocationMessage answer = default;
        answer.KeyRegister = Keys.Register(GrowerResume, InvocationType.Send);
        answer.W0 = Child.Grow;
        InvocationResponse reply;
        Keys.Invoke(&answer, &reply);
        for (;;)
        {
            Wait(99);
        }
    }

    /// <summary>Waits for a message from the child with key info <paramref name="keyInfo"/> (its resume key in 31); the grower's is put aside.</summary>
    private static InvocationResponse Wait(ulong keyInfo)
    {
        InvocationMessage none = default;
        InvocationResponse request;
        for (;;)
        {
            Gate.ReturnAndWait(0, &none, Resume, &request);
            if (request.KeyInfo == keyInfo)
            {
                return request;
            }

            if (request.KeyInfo == 2)
            {
                new ProcessKeyRef(Keys.SelfKey).CopyKeyRegister(Resume, GrowerResume);
                s_growerWaiting = true;
            }
        }
    }

    /// <summary>Answers the waiting child with <paramref name="command"/> and waits for its next report.</summary>
    private static InvocationResponse Answer(ulong command, ulong keyInfo)
    {
        InvocationMessage answer = default;
        answer.W0 = command;
        InvocationResponse request;
        Gate.ReturnAndWait(Resume, &answer, Resume, &request);
        while (request.KeyInfo != keyInfo)
        {
            if (request.KeyInfo == 2)
            {
                new ProcessKeyRef(Keys.SelfKey).CopyKeyRegister(Resume, GrowerResume);
                s_growerWaiting = true;
            }

            request = Wait(keyInfo);
        }

        return request;
    }

    /// <summary>Answers the waiting child with <paramref name="command"/> and goes on (a SEND through its resume key).</summary>
    private static void Send(ulong command)
    {
        InvocationMessage answer = default;
        answer.KeyRegister = Keys.Register(Resume, InvocationType.Send);
        answer.W0 = command;
        InvocationResponse reply;
        Keys.Invoke(&answer, &reply);
    }

    /// <summary>The eight bytes at <paramref name="address"/> of the space in <paramref name="space"/>, read through its keys.</summary>
    private static ulong Read(byte space, ulong address)
    {
        if (PageAt(space, address, Scratch) != InvocationResult.Ok)
        {
            return ulong.MaxValue;
        }

        ulong value = 0;
        new PageKeyRef(Scratch).ReadBytes((int)(address & 0xFFF), (byte*)&value, 8, out _);
        return value;
    }

    /// <summary>The page key that maps <paramref name="address"/> in the space in <paramref name="space"/>, into <paramref name="into"/> (the segment walk, by hand).</summary>
    private static InvocationResult PageAt(byte space, ulong address, byte into)
    {
        var keyBits = new KeyBitsKeyRef(KeyBits);
        keyBits.Translate(space, out ulong bits, out _, out _);
        ulong relative = address;
        byte from = space;
        while ((bits & 0xFF) == SegmentType)
        {
            int height = (int)((bits >> 16) & 0xFF);
            int bitsBelow = 12 + (5 * (height - 1));
            ulong slot = relative >> bitsBelow;
            if (slot >= 32)
            {
                return InvocationResult.RequestError;
            }

            relative -= slot << bitsBelow;
            new NodeKeyRef(from).CopySlot((int)slot, into);
            from = into;
            keyBits.Translate(into, out bits, out _, out _);
        }

        return (bits & 0xFF) == 8 && relative < 4096 && from == into ? InvocationResult.Ok : InvocationResult.RequestError;
    }

    private static InvocationResult Call(byte register, uint order, ulong w0, ulong w1, out ulong replyW0)
    {
        InvocationResult result = KeyCall.Call(register, order, w0, w1, 0, 0, 0, out InvocationResponse reply);
        replyW0 = reply.W0;
        return result;
    }

    private static void Expect(string check, InvocationResult got, InvocationResult expected) => Expect(check, (ulong)got, (ulong)expected);

    private static void Expect(string check, ulong got, ulong expected)
    {
        if (got == expected)
        {
            return;
        }

        byte* line = stackalloc byte[Console.MaxLine];
        ulong length = Text.Append(line, 0, "vcsk: FAIL ");
        length = Text.Append(line, length, check);
        length = Text.Append(line, length, " got=");
        length = Text.AppendDecimal(line, length, got);
        length = Text.Append(line, length, " expected=");
        length = Text.AppendDecimal(line, length, expected);
        Console.WriteLine(line, length);
        for (;;)
        {
            Wait(99);
        }
    }
}
