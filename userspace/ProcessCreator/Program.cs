using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.ProcessCreator;

/// <summary>
/// The process creator (EROS process creator; docs/services.md "Process creator"): a primordial server and the only
/// holder of the process tool. A process is three objects (docs/process.md): a root, a key registers node and a
/// register annex page; the creator buys them from the caller's bank, lays the root out, and turns the root's node
/// key into a process key with the tool (ProcessToolOrder.MakeProcessKeyFromNode). It keeps nothing: every object
/// of a process belongs to the bank it came from.
/// </summary>
/// <remarks>
/// Each order validates its arguments before it buys or changes anything, and gives back what it bought when a
/// later step fails, so a refused order leaves the bank's counts as they were (ConstructorTests, ctor.sys).
/// </remarks>
internal static unsafe class Program
{
    private const byte OwnBank = 4;       // a bank key of the bank server: Verify asks it about the caller's
    private const byte ProcessTool = 5;
    private const byte Discrim = 6;
    private const byte Received = 10;     // sent keys: 10 bank, 11 brand / root, 12 sched
    private const byte Root = 13;         // the new root's node key
    private const byte KeyRegisters = 14; // the key registers node
    private const byte Annex = 15;        // the annex page
    private const byte Process = 16;      // the process key
    private const byte ResumeRegister = 31;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        InvocationMessage answer = default;
        InvocationResponse request;
        byte through = 0;
        for (;;)
        {
            answer.ReceiveKeys = Received | ((ulong)(Received + 1) << 8) | ((ulong)(Received + 2) << 16);
            Gate.ReturnAndWait(through, &answer, ResumeRegister, &request);
            answer = default;
            answer.Order = (ulong)Serve((uint)request.Result, &answer);
            through = ResumeRegister;
        }
    }

    private static InvocationResult Serve(uint order, InvocationMessage* answer)
    {
        switch (order)
        {
            case ProcessCreatorProtocol.CreateProcess:
                return Create(answer);
            case ProcessCreatorProtocol.DestroyProcess:
                return Destroy();
            case KeyOrder.AllegedKeyType:
                answer->W0 = ProcessCreatorProtocol.AllegedType;
                return InvocationResult.Ok;
            default:
                return InvocationResult.UnknownOrder;
        }
    }

    private static InvocationResult Create(InvocationMessage* answer)
    {
        new BankKeyRef(OwnBank).Verify(Received, out bool isBank);
        new DiscrimKeyRef(Discrim).Classify(Received + 2, out ulong schedClass);
        if (!isBank || (schedClass != DiscrimClass.Sched && schedClass != DiscrimClass.Void))
        {
            return InvocationResult.RequestError;
        }

        var bank = new BankKeyRef(Received);
        InvocationResult result = bank.AllocNodes(2, Root);
        if (result != InvocationResult.Ok)
        {
            return result;
        }

        result = bank.AllocPages(1, Annex);
        if (result != InvocationResult.Ok)
        {
            bank.ReclaimNodes(2, Root | ((ulong)KeyRegisters << 8));
            return result;
        }

        result = LayOut();
        if (result == InvocationResult.Ok)
        {
            result = new ProcessToolKeyRef(ProcessTool).MakeProcessKeyFromNode(Root, Process);
        }

        if (result != InvocationResult.Ok)
        {
            bank.ReclaimNodes(2, Root | ((ulong)KeyRegisters << 8)); // the bank was destroyed under us, or its objects rescinded
            bank.ReclaimPages(1, Annex);
            return result;
        }

        answer->SendKeys = Process | ((ulong)Root << 8);
        return InvocationResult.Ok;
    }

    /// <summary>The root per docs/process.md: sched, key registers, annex, brand, run state Available, no fault.</summary>
    private static InvocationResult LayOut()
    {
        var root = new NodeKeyRef(Root);
        InvocationResult result = root.SwapSlot(0, Received + 2, 0);
        result = result == InvocationResult.Ok ? root.SwapSlot(3, KeyRegisters, 0) : result;
        result = result == InvocationResult.Ok ? root.SwapSlot(4, Annex, 0) : result;
        result = result == InvocationResult.Ok ? root.SwapSlot(6, Received + 1, 0) : result;
        result = result == InvocationResult.Ok ? root.WriteNumber(8, ProcessCreatorProtocol.InitialState, 0) : result;
        return result == InvocationResult.Ok ? root.WriteNumber(9, 0, 0) : result;
    }

    /// <summary>The root and its key registers node in one reclaim (all or none), then the annex.</summary>
    private static InvocationResult Destroy()
    {
        var process = new ProcessKeyRef(Process);
        if (new ProcessToolKeyRef(ProcessTool).MakeProcessKeyFromNode(Received + 1, Process) != InvocationResult.Ok
            || process.CopyRootSlot(3, KeyRegisters) != InvocationResult.Ok
            || process.CopyRootSlot(4, Annex) != InvocationResult.Ok)
        {
            return InvocationResult.RequestError;
        }

        var bank = new BankKeyRef(Received);
        InvocationResult result = bank.ReclaimNodes(2, (Received + 1) | ((ulong)KeyRegisters << 8));
        return result == InvocationResult.Ok ? bank.ReclaimPages(1, Annex) : result;
    }
}
