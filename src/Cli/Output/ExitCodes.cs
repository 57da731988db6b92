namespace RingIpc.Cli.Output;

/// <summary>The exit codes of <c>ringipc</c> (the README lists them).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>Bad arguments (System.CommandLine's parse errors use it too).</summary>
    public const int Usage = 1;

    /// <summary>No ring has the name.</summary>
    public const int NotFound = 2;

    /// <summary>Something that is not a valid ring has the name (corrupt, or another format).</summary>
    public const int NotARing = 3;

    /// <summary>The ring's files may not be opened by this user, or look planted.</summary>
    public const int AccessDenied = 4;

    /// <summary>This platform cannot do it (listing rings on Windows).</summary>
    public const int NotSupported = 5;
}
