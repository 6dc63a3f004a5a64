using CapOS.Constructor;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.CtorTest;

/// <summary>
/// The discreet check (docs/services.md "Constructor", invariant C3): a constructor holding only discreet keys and
/// the requestor key of a discreet constructor is discreet; one holding a hole (the console, a start key, keybits, a
/// builder key, the requestor key of a constructor that is not discreet) is not, and names the first hole.
/// </summary>
internal static unsafe partial class Program
{
    private const byte Other = 25;
    private const byte OtherRequestor = 26;

    private static void DiscreetCheck()
    {
        // The constructor under test holds the console in register 2: not discreet.
        var builder = new ConstructorKeyRef(Builder);
        Discreet("with the console", builder, false, 2);
        Discreet("with the console, asked through the requestor key", new ConstructorKeyRef(Requestor), false, 2);

        // A: a number, a read-only page, the template: discreet (sealed, so its requestor key counts as discreet).
        NewSealed(BuilderA, RequestorA, Number, ReadOnlyPage);
        Discreet("numbers and read-only pages", new ConstructorKeyRef(BuilderA), true, 0);

        NewSealed(Other, OtherRequestor, RequestorA, Number);
        Discreet("the requestor key of a discreet constructor", new ConstructorKeyRef(Other), true, 0);
        NewSealed(Other, OtherRequestor, Number, BuilderA);
        Discreet("a builder key", new ConstructorKeyRef(Other), false, 2);
        NewSealed(Other, OtherRequestor, Requestor, Number);
        Discreet("the requestor key of a constructor that is not", new ConstructorKeyRef(Other), false, 1);
        NewSealed(Other, OtherRequestor, Keys.SelfKey, Number);
        Discreet("a process key", new ConstructorKeyRef(Other), false, 1);
        s_self.MakeStartKey(3, Scratch); // a start key to this process with a requestor-like key info
        NewSealed(Other, OtherRequestor, Number, Scratch);
        Discreet("a start key to another process", new ConstructorKeyRef(Other), false, 2);
        NewSealed(Other, OtherRequestor, KeyBits, Number);
        Discreet("a keybits key", new ConstructorKeyRef(Other), false, 1);

        // A constructor lives in its builder's bank: destroyed with it, its keys act as rescinded keys.
        new BankKeyRef(Child).CreateChild(Stale);
        Expect("new constructor", new ConstructorKeyRef(Meta).NewConstructor(Stale, Other), InvocationResult.Ok);
        Expect("destroy its bank", new BankKeyRef(Stale).DestroyWithObjects(), InvocationResult.Ok);
        Expect("a constructor of a destroyed bank answers void", Gate.AllegedType(Other, out _), InvocationResult.Void);
        Expect("a constructor of a destroyed bank is gone", new ConstructorKeyRef(Other).IsDiscreet(out _, out _), InvocationResult.Void);

        // Not sealed yet: the check looks at what it holds now.
        Expect("new constructor", new ConstructorKeyRef(Meta).NewConstructor(Child, Other), InvocationResult.Ok);
        new ConstructorKeyRef(Other).InsertAddressSpace(Template);
        Discreet("an unsealed constructor with a template", new ConstructorKeyRef(Other), true, 0);
        new ConstructorKeyRef(Other).InsertKeeper(Scratch); // a start key as keeper: a hole
        Discreet("a start key as keeper", new ConstructorKeyRef(Other), false, 33);
    }

    /// <summary>A new sealed constructor of the template with <paramref name="first"/> in register 1 and <paramref name="second"/> in 2.</summary>
    private static void NewSealed(byte builderKey, byte requestorKey, byte first, byte second)
    {
        Expect("new constructor", new ConstructorKeyRef(Meta).NewConstructor(Child, builderKey), InvocationResult.Ok);
        var builder = new ConstructorKeyRef(builderKey);
        Expect("space", builder.InsertAddressSpace(Template), InvocationResult.Ok);
        Expect("entry", builder.SetEntry(s_pc, s_sp), InvocationResult.Ok);
        Expect("key 1", builder.InsertKey(1, first), InvocationResult.Ok);
        Expect("key 2", builder.InsertKey(2, second), InvocationResult.Ok);
        Expect("seal", builder.Seal(requestorKey), InvocationResult.Ok);
    }

    private static void Discreet(string check, ConstructorKeyRef constructor, bool want, ulong firstHole)
    {
        Expect(check, constructor.IsDiscreet(out bool discreet, out ulong first), InvocationResult.Ok);
        Expect(check, discreet ? 1UL : 0UL, want ? 1UL : 0UL);
        Expect(check, first, firstHole);
    }
}
