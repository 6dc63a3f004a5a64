namespace CapOS.Kernel.Invocation;

/// <summary>
/// Order codes of the page key (EROS page key, OC_Page_*; docs/invocation.md "Page key"). A read-only page key
/// refuses every change (NoAccess). Offsets and lengths are in bytes within the page's 4096.
/// </summary>
public static class PageOrder
{
    /// <summary>Reply key 0 = a read-only page key to the page (EROS MakeReadOnly).</summary>
    public const uint MakeReadOnly = 1;

    /// <summary>Every byte of the page becomes zero (EROS Zero).</summary>
    public const uint Zero = 2;

    /// <summary>The page gets a copy of the content of the page of sent key 0 (a page key, read-only will do) (EROS Clone).</summary>
    public const uint Clone = 3;

    /// <summary>Reply string = W1 bytes from offset W0 (as many as the receive buffer holds; reply's string length says how many).</summary>
    public const uint ReadBytes = 4;

    /// <summary>The sent string is written at offset W0.</summary>
    public const uint WriteBytes = 5;

    /// <summary>Bytes in a page.</summary>
    public const int PageBytes = 4096;
}
