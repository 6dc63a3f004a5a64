using CapOS.Constructor;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.ServicesWorkload;

/// <summary>
/// The constructor worker (docs/plug.md "The services workload"): at its first step it makes a home bank and, through
/// the metaconstructor, a sealed constructor of ctor-instance (the template's space, the entry, a number and the
/// console as constituents). Then each step: with no instance, a child bank of the home bank and a Request from it
/// (C1 the instance answers Increment with W0 + 1); with one, three steps in four call Count (C2 its counter, in its
/// own copy-on-write data page through the virtual copy keeper, is the model's plus one: recovered from the same
/// snapshot as the worker), one in four destroy its bank with its objects (C3 its start key then reads void). A
/// failure prints <c>services: FAIL ...</c> and exits.
/// </summary>
internal static unsafe class CtorWorker
{
    private const byte Meta = Program.ServiceKey;  // 4: the metaconstructor
    private const byte Prime = 5;
    private const byte Template = 6;
    private const byte Entry = 7;               // template-entry: PC | SP << 48, SP >> 16
    private const byte Sched = 8;
    private const byte Number = 9;              // the instance's key 1
    private const byte Home = 10;
    private const byte Builder = 11;
    private const byte Requestor = 12;
    private const byte InstanceBank = 13;
    private const byte InstanceKey = 14;
    private const uint Increment = 1;           // CtorInstance's orders
    private const uint Count = 3;
    private const uint NumberValue = 1;

    private static bool s_started;
    private static ulong s_step;
    private static bool s_live;
    private static ulong s_count;
    private static ulong s_instances;

    public static void Run(ulong identity)
    {
        if (!s_started)
        {
            Build();
            s_started = true;
        }

        for (;;)
        {
            ulong next = s_step + 1;
            ulong state = (identity * 0xD6E8FEB86659FD93) ^ (next * 0x9E3779B97F4A7C15);
            ulong draw = Program.SplitMix(ref state);
            if (!s_live)
            {
                Instantiate(next);
            }
            else if (draw % 4 != 0)
            {
                InvocationResponse reply;
                Program.Expect("the instance answers Count", Gate.Call(InstanceKey, Count, 0, &reply), InvocationResult.Ok);
                Program.Expect("the instance's count", reply.W0, ++s_count);
            }
            else
            {
                Program.Expect("destroy the instance's bank", new BankKeyRef(InstanceBank).DestroyWithObjects(), InvocationResult.Ok);
                Program.Expect("a destroyed instance's start key reads void", Gate.AllegedType(InstanceKey, out _), InvocationResult.Void);
                Program.Expect("the dead bank's key reads void", Gate.AllegedType(InstanceBank, out _), InvocationResult.Void);
                s_live = false;
            }

            s_step = next;
            ulong h = Program.Absorb(Program.Absorb(Program.Absorb(0xcbf29ce484222325, identity), next), s_count);
            h = Program.Absorb(Program.Absorb(h, s_live ? 1UL : 0UL), s_instances);
            Program.Step(next, Program.SplitMix(ref h));
        }
    }

    private static void Build()
    {
        InvocationResponse entry;
        Program.Expect("read the template's entry", Gate.Call(Entry, NumberValue, 0, &entry), InvocationResult.Ok);
        ulong pc = entry.W0 & ((1UL << 48) - 1);
        ulong sp = (entry.W0 >> 48) | (entry.W1 << 16);
        Program.Expect("create the home bank", new BankKeyRef(Prime).CreateChild(Home), InvocationResult.Ok);
        Program.Expect("new constructor", new ConstructorKeyRef(Meta).NewConstructor(Home, Builder), InvocationResult.Ok);
        var builder = new ConstructorKeyRef(Builder);
        Program.Expect("insert the address space", builder.InsertAddressSpace(Template), InvocationResult.Ok);
        Program.Expect("set the entry", builder.SetEntry(pc, sp), InvocationResult.Ok);
        Program.Expect("insert key 1", builder.InsertKey(1, Number), InvocationResult.Ok);
        Program.Expect("insert key 2", builder.InsertKey(2, Keys.ConsoleKey), InvocationResult.Ok);
        Program.Expect("seal", builder.Seal(Requestor), InvocationResult.Ok);
    }

    private static void Instantiate(ulong step)
    {
        Program.Expect("create the instance's bank", new BankKeyRef(Home).CreateChild(InstanceBank), InvocationResult.Ok);
        Program.Expect("request an instance", new ConstructorKeyRef(Requestor).Request(InstanceBank, Sched, InstanceKey), InvocationResult.Ok);
        InvocationResponse reply;
        Program.Expect("the instance answers Increment", Gate.Call(InstanceKey, Increment, step, &reply), InvocationResult.Ok);
        Program.Expect("the instance increments", reply.W0, step + 1);
        s_live = true;
        s_count = 0;
        s_instances++;
    }
}
