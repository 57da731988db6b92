using System;

namespace RingIpc;

/// <summary>STUB: hosts an <see cref="ICallDispatcher"/>; being implemented.</summary>
public sealed class CallServer : IDisposable
{
    /// <summary>Disposes.</summary>
    public void Dispose()
    {
    }
}
