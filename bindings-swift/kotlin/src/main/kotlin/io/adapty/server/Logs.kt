// The client's log lines through SLF4J, when the application has it: the core hands each line of the levels the SLF4J logger
// `adapty_server` has enabled (when the client is made) to that logger. Without SLF4J nothing is registered; `ADAPTY_LOG`
// still writes to stderr.
package io.adapty.server

import org.slf4j.LoggerFactory
import uniffi.adapty_server_ffi.LogSink
import uniffi.adapty_server_ffi.NativeClient

/** Whether SLF4J is on the classpath (checked once; its classes load only if it is). */
private val hasSlf4j: Boolean by lazy { runCatching { Class.forName("org.slf4j.LoggerFactory") }.isSuccess }

/** Sends [native]'s log lines to SLF4J's logger `adapty_server`, if SLF4J is present and the logger enables a level. */
internal fun logThroughSlf4j(native: NativeClient) {
    if (hasSlf4j) Slf4jLines.attach(native)
}

/** Touched only when SLF4J is present. */
private object Slf4jLines : LogSink {
    private val logger = LoggerFactory.getLogger("adapty_server")

    fun attach(native: NativeClient) {
        val level =
            when {
                logger.isDebugEnabled -> "debug"
                logger.isInfoEnabled -> "info"
                logger.isWarnEnabled -> "warn"
                logger.isErrorEnabled -> "error"
                else -> return
            }
        native.logTo(level, this)
    }

    override fun log(level: String, line: String) = when (level) {
        "debug" -> logger.debug(line)
        "info" -> logger.info(line)
        "warn" -> logger.warn(line)
        else -> logger.error(line)
    }
}
