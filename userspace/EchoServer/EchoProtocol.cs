namespace CapOS.EchoServer;

/// <summary>The echo server's protocol, shared with its clients (STYLE.md: one protocol file per service).</summary>
public static class EchoProtocol
{
    /// <summary>Replies Ok at once, the string received sent back (up to <see cref="MaxString"/> bytes); no words, no keys.</summary>
    public const uint Echo = 1;

    /// <summary>Replies Ok with W0 = the TSC read as soon as the server runs with the message (one-way timing).</summary>
    public const uint Stamp = 2;

    /// <summary>The longest string echoed: the server's receive buffer.</summary>
    public const int MaxString = 4096;

    /// <summary>What the server answers to KT (an alleged key type of its own, above the kernel's).</summary>
    public const ulong AllegedType = 0x1_0002;
}
