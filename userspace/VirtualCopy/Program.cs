using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using static CapOS.VirtualCopy.KeeperKeys;

namespace CapOS.VirtualCopy;

/// <summary>
/// The virtual copy keeper, <c>vcsk</c> (EROS VCSK, SOSP'99 §5; docs/services.md "Virtual copy keeper"). One process
/// makes every virtual copy and demand-zero segment (maker facet, key info <see cref="VirtualCopyProtocol.MakerFacet"/>)
/// and serves their faults (keeper facet, key info <see cref="VirtualCopyProtocol.KeeperFacet"/>, in slot 31 of each
/// red node it makes). It keeps nothing about a segment outside the segment's nodes: the red node names the space,
/// the bank and the keeper; the tree under it says what the segment owns (writable keys) and what it shares
/// (read-only weak keys). So the keeper's own state is a few counters in its data page and its key registers, all in
/// the store: a keeper restarted from any checkpoint carries on from there.
/// </summary>
/// <remarks>
/// Every message is answered through the resume key in register 31 by the next ReturnAndWait: a maker order with its
/// result code, a fault with order 0 (served: the process executes the instruction again) or the reason it was not
/// served (the process stays parked, and the keeper prints a line saying why).
/// </remarks>
internal static unsafe class Program
{
    /// <summary>The space bank server's root OID and AllocCount: a start key to it is a bank key (<see cref="KeeperKeys.IsBankKey"/>).</summary>
    public static ulong BankServerOid;
    public static uint BankServerCount;

    /// <summary>This process's root OID and AllocCount: the keeper facet's (a red node this keeper made has it in slot 31).</summary>
    public static ulong SelfOid;
    public static uint SelfCount;

    private static ZeroOids s_zero;
    private static bool s_ready;
    private static Statistics s_statistics;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        if (!s_ready)
        {
            FirstRun();
        }

        InvocationMessage answer = default;
        InvocationResponse request;
        byte through = 0; // the first wait answers nobody
        for (;;)
        {
            answer.ReceiveKeys = Received | ((ulong)(Received + 1) << 8) | ((ulong)(Received + 2) << 16);
            Gate.ReturnAndWait(through, &answer, Resume, &request);
            answer = default;
            Serve(&request, &answer);
            through = Resume;
        }
    }

    /// <summary>The zero space of height <paramref name="height"/>'s object (0: the zero page).</summary>
    public static ulong ZeroOid(int height) => s_zero.Oid[height];

    /// <summary>The keeper facet, and the OIDs it compares with: the zero space's, the bank server's, its own.</summary>
    private static void FirstRun()
    {
        new ProcessKeyRef(Keys.SelfKey).MakeStartKey(VirtualCopyProtocol.KeeperFacet, KeeperFacet);
        KeyShape self = Translate(KeeperFacet);
        SelfOid = self.Oid;
        SelfCount = self.Count;
        KeyShape server = Translate(BankServer);
        BankServerOid = server.Oid;
        BankServerCount = server.Count;
        for (int height = 0; height <= 7; height++)
        {
            s_zero.Oid[height] = Translate(Zero(height)).Oid;
        }

        s_ready = true;
    }

    private static void Serve(InvocationResponse* request, InvocationMessage* answer)
    {
        uint order = (uint)request->Result;
        InvocationResult result;
        if (request->KeyInfo == VirtualCopyProtocol.KeeperFacet)
        {
            result = order == FaultCodes.InvalidAddress || order == FaultCodes.AccessViolation
                ? Fault(order == FaultCodes.AccessViolation, request)
                : InvocationResult.NoAccess;
        }
        else if (request->KeyInfo != VirtualCopyProtocol.MakerFacet)
        {
            result = InvocationResult.NoAccess;
        }
        else
        {
            FaultWalk.Forget();
            result = order switch
            {
                VirtualCopyProtocol.CreateDemandZero => Maker.CreateDemandZero(request->W0, answer),
                VirtualCopyProtocol.CreateCopy => Maker.CreateCopy(answer),
                VirtualCopyProtocol.Freeze => Maker.Freeze(answer),
                VirtualCopyProtocol.Destroy => Maker.Destroy(),
                VirtualCopyProtocol.Statistics => s_statistics.Report(answer),
                VirtualCopyProtocol.Map => Maker.Map(request->W0),
                VirtualCopyProtocol.Unmap => Maker.Unmap(request->W0),
                KeyOrder.AllegedKeyType => AllegedType(answer),
                _ => InvocationResult.UnknownOrder,
            };
        }

        answer->Order = (ulong)result;
    }

    private static InvocationResult AllegedType(InvocationMessage* answer)
    {
        answer->W0 = VirtualCopyProtocol.AllegedType;
        return InvocationResult.Ok;
    }

    /// <summary>A fault of the red segment in <see cref="KeeperKeys.Received"/> (W0 address, W1 offset in it): served, or reported and left parked.</summary>
    private static InvocationResult Fault(bool write, InvocationResponse* request)
    {
        ulong before = Calls;
        InvocationResult result = FaultWalk.Serve(write, request->W1);
        s_statistics.Count(Calls - before + 1, result == InvocationResult.Ok); // + 1: the answer
        if (result != InvocationResult.Ok)
        {
            Report(request->W0, write, result);
        }

        return result;
    }

    /// <summary><c>vcsk: fault not served address=0x.. (write) result=N: the process stays parked</c>.</summary>
    private static void Report(ulong address, bool write, InvocationResult result)
    {
        byte* line = stackalloc byte[Console.MaxLine];
        ulong length = Text.Append(line, 0, "vcsk: fault not served address=0x");
        length = Text.AppendHex(line, length, address);
        length = Text.Append(line, length, write ? " (write) result=" : " (read) result=");
        length = Text.AppendDecimal(line, length, (ulong)result);
        length = Text.Append(line, length, ": the process stays parked");
        Console.WriteLine(line, length);
    }

    /// <summary>The zero space's object OIDs by height.</summary>
    private struct ZeroOids
    {
        public fixed ulong Oid[8];
    }

    /// <summary>What <see cref="VirtualCopyProtocol.Statistics"/> answers: faults served, their invocations, the most in one, faults not served.</summary>
    private struct Statistics
    {
        private ulong _served;
        private ulong _calls;
        private ulong _most;
        private ulong _notServed;

        public void Count(ulong calls, bool served)
        {
            _served += served ? 1UL : 0;
            _notServed += served ? 0 : 1UL;
            _calls += calls;
            _most = calls > _most ? calls : _most;
        }

        public readonly InvocationResult Report(InvocationMessage* answer)
        {
            answer->W0 = _served;
            answer->W1 = _calls;
            answer->W2 = _most;
            answer->W3 = _notServed;
            return InvocationResult.Ok;
        }
    }
}

/// <summary>The fault codes a segment keeper receives (kernel FaultCode; docs/invocation.md "Segment keepers").</summary>
internal static class FaultCodes
{
    public const uint InvalidAddress = 1;
    public const uint AccessViolation = 2;
}
