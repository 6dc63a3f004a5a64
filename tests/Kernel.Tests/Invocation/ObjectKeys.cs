using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>
/// Helpers for the object and discrimination key tests (NodeKeyTests, SegmentKeyTests, PageKeyTests, DiscrimKeyTests,
/// KeyBitsKeyTests) over an <see cref="IpcRig"/>: CALL a key register of a stored process, read a key register or a
/// node slot in disk form, make keys, fill the log so that dirtying is refused.
/// </summary>
internal static unsafe class ObjectKeys
{
    /// <summary>The receive register reply key 0 goes to.</summary>
    public const byte Reply = 20;

    /// <summary>Process <paramref name="process"/> CALLs key register <paramref name="register"/>; sent keys 0 and 1 from <paramref name="send0"/> and <paramref name="send1"/>.</summary>
    public static DispatchOutcome Dispatch(IpcRig ipc, int process, byte register, uint order, out InvocationReply reply,
        ulong w0 = 0, ulong w1 = 0, ulong w2 = 0, byte send0 = 0, byte send1 = 0, byte receive = Reply)
    {
        InvocationArguments call = IpcRig.Message(register, InvocationType.Call, order, w0);
        call.W1 = w1;
        call.W2 = w2;
        call.SendKeys[0] = send0;
        call.SendKeys[1] = send1;
        call.ReceiveKeys[0] = receive;
        return ipc.Invoke(process, call, out reply);
    }

    /// <summary><see cref="Dispatch"/> that must reply; the reply.</summary>
    public static InvocationReply Call(IpcRig ipc, int process, byte register, uint order,
        ulong w0 = 0, ulong w1 = 0, ulong w2 = 0, byte send0 = 0, byte send1 = 0, byte receive = Reply)
    {
        Assert.Equal(DispatchOutcome.Reply, Dispatch(ipc, process, register, order, out InvocationReply reply, w0, w1, w2, send0, send1, receive));
        return reply;
    }

    /// <summary>Key register <paramref name="register"/> of process <paramref name="process"/>, in disk form (void when empty).</summary>
    public static Key Register(IpcRig ipc, int process, int register) =>
        global::CapOS.Kernel.Invocation.Invocation.DiskForm(ipc.Entry(process)->KeyRegister(register));

    /// <summary>Slot <paramref name="slot"/> of node <paramref name="node"/>, in disk form.</summary>
    public static Key Slot(Oid node, int slot) =>
        global::CapOS.Kernel.Invocation.Invocation.DiskForm(global::CapOS.Kernel.NodeTree.Node.Slot(Cache.NodeBody(CheckpointerTestRig.Node(node)), slot));

    public static Key NodeKey(Oid node, KeyRights rights = KeyRights.None) => Key.Object(KeyType.Node, node, 0, rights, 0);

    public static Key SegmentKey(Oid node, int height, KeyRights rights = KeyRights.None) => Key.Object(KeyType.Segment, node, 0, rights, (ushort)height);

    public static Key PageKey(Oid page, KeyRights rights = KeyRights.None) => Key.Object(KeyType.Page, page, 0, rights, 0);

    /// <summary>True when the two keys have the same sixteen bytes.</summary>
    public static bool Same(Key a, Key b) => ((ulong*)&a)[0] == ((ulong*)&b)[0] && ((ulong*)&a)[1] == ((ulong*)&b)[1];

    /// <summary>Reserves every free log page, so that the next first dirtying of an object is refused (NoLogSpace).</summary>
    public static void FillLog()
    {
        while (LogSpace.TryReserve(1, 0))
        {
        }
    }

    /// <summary>Rescinds <paramref name="oid"/> (a node or a page): its AllocCount goes up, so every key to it is void.</summary>
    public static void Rescind(ObjectHeader* frame)
    {
        Assert.True(Cache.MarkDirty(frame));
        Assert.True(Cache.Rescind(frame));
    }
}
