namespace RingIpc;

/// <summary>The one way RingIpc gets its own process id (recorded in headers, claim markers and role holders).</summary>
internal static class CurrentProcess
{
    /// <summary>This process's id, read once.</summary>
    public static int Id { get; } =
#if NET
        System.Environment.ProcessId;
#else
        System.Diagnostics.Process.GetCurrentProcess().Id;
#endif
}
