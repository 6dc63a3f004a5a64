using System.Runtime.InteropServices;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The page key: the bytes of a page (EROS page key; docs/invocation.md "Page key"). Orders: <see cref="PageOrder"/>.
/// </summary>
/// <remarks>
/// I1 A read-only page key changes nothing (NoAccess). PageKeyTests.
/// I2 A change dirties the page first (<see cref="Invocation.TryDirty"/>: a refusal stalls with no effect), so a
///    frozen page goes through copy-on-write before it changes, and the kernel writes through the object cache,
///    not a hardware mapping: the page is dirty, so every writable mapping of it is legal (P5), and read-only
///    mappings see the new bytes.
/// I3 The page stays pinned for the whole order: preparing the sent key or copying the string may fault other
///    objects in, which must not evict it.
/// </remarks>
public static unsafe class PageKey
{
    public static DispatchOutcome Invoke(Invocation* invocation) => Invocation.WithTargetPinned(invocation, &Run); // I3

    private static DispatchOutcome Run(Invocation* invocation)
    {
        uint order = invocation->Arguments.Order;
        KeyRights rights = invocation->Key->Rights;
        if (order == PageOrder.MakeReadOnly)
        {
            ObjectHeader* page = invocation->Target;
            invocation->SetReplyKey(0, Key.Object(KeyType.Page, page->Oid, page->AllocCount, rights | KeyRights.ReadOnly, 0));
            return invocation->Answer(InvocationResult.Ok);
        }

        if (order == PageOrder.ReadBytes)
        {
            return Read(invocation);
        }

        if (order != PageOrder.Zero && order != PageOrder.Clone && order != PageOrder.WriteBytes)
        {
            return invocation->Answer(InvocationResult.UnknownOrder);
        }

        if ((rights & KeyRights.ReadOnly) != 0)
        {
            return invocation->Answer(InvocationResult.NoAccess); // I1
        }

        if (order == PageOrder.Zero)
        {
            return Store(invocation, null, 0, PageOrder.PageBytes);
        }

        return order == PageOrder.Clone ? Clone(invocation) : Write(invocation);
    }

    private static DispatchOutcome Clone(Invocation* invocation)
    {
        Key* sent = invocation->SentKey(0);
        if (sent == null || sent->Type != KeyType.Page)
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        return Store(invocation, Cache.PageData(Invocation.ObjectOf(sent)), 0, PageOrder.PageBytes);
    }

    private static DispatchOutcome Write(Invocation* invocation)
    {
        ulong offset = invocation->Arguments.W0;
        ulong length = invocation->Arguments.StringLength;
        if (!InPage(offset, length))
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        byte* bytes = stackalloc byte[PageOrder.PageBytes];
        if (!UserMemory.CopyIn(invocation->Arguments.StringAddress, bytes, length))
        {
            return ConsoleKey.StringFailed(invocation);
        }

        return Store(invocation, bytes, offset, length);
    }

    private static DispatchOutcome Read(Invocation* invocation)
    {
        ulong offset = invocation->Arguments.W0;
        ulong length = invocation->Arguments.W1;
        if (!InPage(offset, length))
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        ulong capacity = invocation->Arguments.ReceiveCapacity;
        length = length < capacity ? length : capacity;
        if (!UserMemory.CopyOut(Cache.PageData(invocation->Target) + offset, invocation->Arguments.ReceiveAddress, length))
        {
            return ConsoleKey.StringFailed(invocation);
        }

        invocation->Reply.StringLength = length;
        return invocation->Answer(InvocationResult.Ok);
    }

    /// <summary>Dirties the page (I2), then puts <paramref name="length"/> bytes from <paramref name="source"/> (zeros when null) at <paramref name="offset"/>.</summary>
    private static DispatchOutcome Store(Invocation* invocation, byte* source, ulong offset, ulong length)
    {
        if (!invocation->TryDirty(invocation->Target))
        {
            return invocation->Stalled();
        }

        // Commit point: nothing below fails.
        byte* destination = Cache.PageData(invocation->Target) + offset;
        if (source == null)
        {
            NativeMemory.Clear(destination, (nuint)length);
        }
        else if (source != destination)
        {
            NativeMemory.Copy(source, destination, (nuint)length);
        }

        return invocation->Answer(InvocationResult.Ok);
    }

    private static bool InPage(ulong offset, ulong length) => offset <= PageOrder.PageBytes && length <= PageOrder.PageBytes - offset;
}
