namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// The helpers ILC calls where .NET would throw (bounds, overflow, null, cast).
/// Nothing can catch here, so each one fails fast with a message naming the cause.
/// </summary>
internal static class ThrowHelpers
{
    internal static void ThrowIndexOutOfRangeException() => System.Environment.FailFast("index out of range");

    internal static void ThrowOverflowException() => System.Environment.FailFast("arithmetic overflow");

    internal static void ThrowDivideByZeroException() => System.Environment.FailFast("division by zero");

    internal static void ThrowNullReferenceException() => System.Environment.FailFast("null reference");

    internal static void ThrowArrayTypeMismatchException() => System.Environment.FailFast("array type mismatch");

    internal static void ThrowInvalidCastException() => System.Environment.FailFast("invalid cast");

    internal static void ThrowPlatformNotSupportedException() => System.Environment.FailFast("platform not supported");

    internal static void ThrowTypeLoadException() => System.Environment.FailFast("type load");

    internal static void ThrowArgumentException() => System.Environment.FailFast("bad argument");

    internal static void ThrowArgumentOutOfRangeException() => System.Environment.FailFast("argument out of range");

    internal static void ThrowInvalidProgramException() => System.Environment.FailFast("invalid program");
}
