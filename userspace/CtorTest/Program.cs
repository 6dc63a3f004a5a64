using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CapOS.Constructor;
using CapOS.Kernel.Invocation;
using CapOS.ProcessCreator;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.CtorTest;

/// <summary>
/// The constructor test client (system/ctor.sys; ConstructorTests). It runs every order of the process creator, the
/// metaconstructor and constructors with good and bad arguments and the discreet check, and prints <c>ctor: ok</c>
/// (or <c>ctor: FAIL &lt;check&gt; got=N</c> at the first check that fails); then instances (<see cref="Instances"/>):
/// <c>ctor: instance ok</c>, then one instance it calls for ever (<c>ctor: tick n=N</c>), which the kill test interrupts.
/// </summary>
internal static unsafe partial class Program
{
    private const byte Prime = 4;
    private const byte Meta = 5;
    private const byte Creator = 6;
    private const byte Template = 7;
    private const byte Entry = 8;
    private const byte Sched = 9;
    private const byte Discrim = 10;
    private const byte Number = 11;        // number 42: discreet
    private const byte ReadOnlyPage = 12;  // discreet
    private const byte KeyBits = 13;       // a kernel key that is a hole
    private const byte Child = 14;
    private const byte Limited = 15;
    private const byte Process = 16;       // 16 process key, 17 its root's node key
    private const byte Root = 17;
    private const byte BuilderA = 18;      // A: discreet
    private const byte RequestorA = 19;
    private const byte Builder = 20;       // the constructor under test
    private const byte Requestor = 21;
    private const byte InstanceKey = 22;
    private const byte Scratch = 23;
    private const byte Stale = 24;

    private const ulong ProcessType = 11;  // KeyType.Process

    private static readonly ProcessKeyRef s_self = new(Keys.SelfKey);
    private static ulong s_pc;
    private static ulong s_sp;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        new BankKeyRef(Prime).CreateChild(Child);
        new BankKeyRef(Prime).CreateChild(Limited);
        KeyCall.Call(Entry, 1, 0, 0, 0, 0, 0, out InvocationResponse entry); // NumberKey.Value: PC | SP << 48, SP >> 16
        s_pc = entry.W0 & ((1UL << 48) - 1);
        s_sp = (entry.W0 >> 48) | (entry.W1 << 16);
        ProcessCreatorOrders();
        MetaconstructorOrders();
        BuilderOrders();
        DiscreetCheck();
        RequestErrors();
        Console.WriteLine("ctor: ok");
        Instances();
    }

    private static void ProcessCreatorOrders()
    {
        var creator = new ProcessCreatorKeyRef(Creator);
        var child = new BankKeyRef(Child);
        Expect("creator KT", Gate.AllegedType(Creator, out ulong type), InvocationResult.Ok);
        Expect("creator KT type", type, ProcessCreatorProtocol.AllegedType);
        Expect("creator unknown order", Call(Creator, 99), InvocationResult.UnknownOrder);
        Expect("create from a non-bank", creator.CreateProcess(Number, Number, Sched, Process), InvocationResult.RequestError);
        Expect("create from a forged bank", creator.CreateProcess(Keys.SelfKey, Number, Sched, Process), InvocationResult.RequestError);
        Expect("create with a non-sched", creator.CreateProcess(Child, Number, Number, Process), InvocationResult.RequestError);
        Counts("refused create bought nothing", Child, 0, 0);
        Expect("create", creator.CreateProcess(Child, Number, Sched, Process), InvocationResult.Ok);
        Gate.AllegedType(Process, out type);
        Expect("create gives a process key", type, ProcessType);
        new ProcessKeyRef(Process).GetState(out ulong state, out ulong fault, out _);
        Expect("a new process is available", state, ProcessCreatorProtocol.InitialState);
        Expect("a new process has no fault", fault, 0);
        new ProcessKeyRef(Process).CopyRootSlot(6, Scratch);
        new DiscrimKeyRef(Discrim).Compare(Scratch, Number, out bool same);
        Expect("the brand is the caller's", same ? 1UL : 0UL, 1);
        Counts("a process is 1 page and 2 nodes", Child, 1, 2);
        Expect("destroy with a non-root", creator.DestroyProcess(Child, Number), InvocationResult.RequestError);
        Expect("destroy through another bank", creator.DestroyProcess(Limited, Root), InvocationResult.RequestError);
        Expect("destroy", creator.DestroyProcess(Child, Root), InvocationResult.Ok);
        Expect("a destroyed process's key reads void", Gate.AllegedType(Process, out _), InvocationResult.Void);
        Counts("destroy returned everything", Child, 0, 0);

        var limited = new BankKeyRef(Limited);
        limited.SetLimits(BankProtocol.NoLimit, 1);
        Expect("create past a node limit", creator.CreateProcess(Limited, Number, Sched, Process), InvocationResult.NoMoreNodes);
        Counts("a refused create kept no node", Limited, 0, 0);
        limited.SetLimits(0, 2);
        Expect("create past a page limit", creator.CreateProcess(Limited, Number, Sched, Process), InvocationResult.NoMorePages);
        Counts("a refused create gave its nodes back", Limited, 0, 0);
        limited.SetLimits(BankProtocol.NoLimit, BankProtocol.NoLimit);
    }

    private static void MetaconstructorOrders()
    {
        var meta = new ConstructorKeyRef(Meta);
        Expect("meta KT", Gate.AllegedType(Meta, out ulong type), InvocationResult.Ok);
        Expect("meta KT type", type, ConstructorProtocol.MetaAllegedType);
        Expect("meta unknown order", Call(Meta, 99), InvocationResult.UnknownOrder);
        Expect("meta refuses builder orders", Call(Meta, ConstructorProtocol.Seal), InvocationResult.NoAccess);
        Expect("new constructor from a non-bank", meta.NewConstructor(Number, Builder), InvocationResult.RequestError);
        Expect("new constructor from a forged bank", meta.NewConstructor(Keys.SelfKey, Builder), InvocationResult.RequestError);
        new BankKeyRef(Limited).SetLimits(BankProtocol.NoLimit, 0);
        Expect("new constructor past a node limit", meta.NewConstructor(Limited, Builder), InvocationResult.NoMoreNodes);
        new BankKeyRef(Limited).SetLimits(BankProtocol.NoLimit, BankProtocol.NoLimit);
        Expect("new constructor", meta.NewConstructor(Child, Builder), InvocationResult.Ok);
        Counts("a constructor is one node of its bank", Child, 0, 1);
        Gate.AllegedType(Builder, out type);
        Expect("builder KT type", type, ConstructorProtocol.AllegedType);
    }

    private static void BuilderOrders()
    {
        var builder = new ConstructorKeyRef(Builder);
        Expect("builder refuses NewConstructor", builder.NewConstructor(Child, Scratch), InvocationResult.NoAccess);
        Expect("builder refuses Request", builder.Request(Child, Sched, Scratch), InvocationResult.NoAccess);
        Expect("seal with nothing", builder.Seal(Requestor), InvocationResult.RequestError);
        Expect("space: a number", builder.InsertAddressSpace(Number), InvocationResult.RequestError);
        Expect("space: a page", builder.InsertAddressSpace(ReadOnlyPage), InvocationResult.RequestError);
        Expect("space: the template", builder.InsertAddressSpace(Template), InvocationResult.Ok);
        Expect("seal with no entry", builder.Seal(Requestor), InvocationResult.RequestError);
        Expect("entry beyond the user half", builder.SetEntry(1UL << 47, s_sp), InvocationResult.RequestError);
        Expect("stack beyond the user half", builder.SetEntry(s_pc, ulong.MaxValue), InvocationResult.RequestError);
        Expect("entry", builder.SetEntry(s_pc, s_sp), InvocationResult.Ok);
        KeysAndSeal(builder);
    }

    private static void KeysAndSeal(ConstructorKeyRef builder)
    {
        Expect("key register 0", builder.InsertKey(0, Number), InvocationResult.RequestError);
        Expect("key register 29", builder.InsertKey(ConstructorProtocol.InstanceBankRegister, Number), InvocationResult.RequestError);
        Expect("key register 31", builder.InsertKey(31, Number), InvocationResult.RequestError);
        Expect("key register 1", builder.InsertKey(1, Number), InvocationResult.Ok);
        Expect("key register 2", builder.InsertKey(2, 1), InvocationResult.Ok); // the console: the instance prints
        Expect("keeper: a number", builder.InsertKeeper(Number), InvocationResult.RequestError);
        Expect("keeper: void", builder.InsertKeeper(0), InvocationResult.Ok);
        Expect("seal", builder.Seal(Requestor), InvocationResult.Ok);
        AfterSeal(builder);
    }

    private static void AfterSeal(ConstructorKeyRef builder)
    {
        Gate.AllegedType(Requestor, out ulong type);
        Expect("requestor KT type", type, ConstructorProtocol.AllegedType);
        Expect("insert after seal", builder.InsertKey(3, Number), InvocationResult.NoAccess);
        Expect("seal twice", builder.Seal(Scratch), InvocationResult.NoAccess);
        var requestor = new ConstructorKeyRef(Requestor);
        Expect("requestor refuses builder orders", requestor.InsertKey(3, Number), InvocationResult.NoAccess);
        Expect("requestor refuses seal", requestor.Seal(Scratch), InvocationResult.NoAccess);
        Expect("requestor refuses NewConstructor", requestor.NewConstructor(Child, Scratch), InvocationResult.NoAccess);
    }

    private static void RequestErrors()
    {
        var requestor = new ConstructorKeyRef(Requestor);
        Expect("request with a non-bank", requestor.Request(Number, Sched, InstanceKey), InvocationResult.RequestError);
        Expect("request with a forged bank", requestor.Request(Keys.SelfKey, Sched, InstanceKey), InvocationResult.RequestError);
        Expect("request with a non-sched", requestor.Request(Limited, Number, InstanceKey), InvocationResult.RequestError);
        Counts("a refused request bought nothing", Limited, 0, 0);
        new BankKeyRef(Limited).SetLimits(BankProtocol.NoLimit, 1);
        Expect("request past a node limit", requestor.Request(Limited, Sched, InstanceKey), InvocationResult.NoMoreNodes);
        Counts("a request past a node limit kept nothing", Limited, 0, 0);
        new BankKeyRef(Limited).SetLimits(0, BankProtocol.NoLimit);
        Expect("request past a page limit", requestor.Request(Limited, Sched, InstanceKey), InvocationResult.NoMorePages);
        Counts("a request past a page limit kept nothing", Limited, 0, 0);
        new BankKeyRef(Limited).SetLimits(BankProtocol.NoLimit, BankProtocol.NoLimit);
    }

    /// <summary>Limits aside, what the bank in <paramref name="bank"/> holds must be <paramref name="pages"/> and <paramref name="nodes"/>.</summary>
    private static void Counts(string check, byte bank, ulong pages, ulong nodes)
    {
        new BankKeyRef(bank).GetLimits(out _, out _, out ulong p, out ulong n);
        Expect(check, p, pages);
        Expect(check, n, nodes);
    }

    private static InvocationResult Call(byte register, uint order)
    {
        InvocationResponse reply;
        return Gate.Call(register, order, 0, &reply);
    }

    private static void Expect(string check, InvocationResult got, InvocationResult want) => Expect(check, (ulong)got, (ulong)want);

    private static void Expect(string check, ulong got, ulong want)
    {
        if (got != want)
        {
            Fail(check, got);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fail(string check, ulong got)
    {
        byte* line = stackalloc byte[160];
        ulong length = Text.Append(line, 0, "ctor: FAIL ");
        length = Text.Append(line, length, check);
        length = Text.AppendDecimal(line, Text.Append(line, length, " got="), got);
        Console.WriteLine(line, length);
        Keys.Exit();
    }
}
