namespace System;

// Exceptions cannot be caught here (no unwinder): throwing one stops the kernel or
// the user program (RhpThrowEx). These exist for the compiler's own uses
// (switch expressions without a match, checked arithmetic).

public class Exception
{
    public Exception()
    {
    }

    public Exception(string? message)
    {
    }
}

public class InvalidOperationException : Exception
{
    public InvalidOperationException()
    {
    }

    public InvalidOperationException(string? message)
        : base(message)
    {
    }
}

public class ArgumentException : Exception
{
    public ArgumentException()
    {
    }

    public ArgumentException(string? message)
        : base(message)
    {
    }
}

public class ArgumentOutOfRangeException : ArgumentException
{
    public ArgumentOutOfRangeException()
    {
    }

    public ArgumentOutOfRangeException(string? paramName)
        : base(paramName)
    {
    }
}
