namespace RingIpc;

/// <summary>Encodes a call's arguments (a generated proxy passes a static lambda, so nothing is allocated).</summary>
/// <typeparam name="TArgs">The arguments, as one value (a tuple for several).</typeparam>
public delegate void CallArgsWriter<TArgs>(ref CallWriter writer, in TArgs args);

/// <summary>Decodes a call's result from the reply (runs on the client's reply reader; the span is valid only
/// during the call).</summary>
public delegate TResult CallResultReader<TResult>(ref CallReader reader);
