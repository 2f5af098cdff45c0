/*
 * ns16550.h: registers of the NS16550A UART (byte-wide, one byte apart, as
 * on QEMU's virt board and HyperLab's). The SBI firmware polls it; the
 * kernel drives it with interrupts.
 */
#ifndef HYPERLAB_NS16550_H
#define HYPERLAB_NS16550_H

#define UART_RBR 0          /* receive buffer (read) */
#define UART_THR 0          /* transmit holding (write) */
#define UART_IER 1          /* interrupt enable */
#define UART_IIR 2          /* interrupt identification (read) */
#define UART_FCR 2          /* FIFO control (write) */
#define UART_LCR 3          /* line control */
#define UART_MCR 4          /* modem control */
#define UART_LSR 5          /* line status */

#define UART_IER_RDI   0x01 /* interrupt when received data is available */
#define UART_LCR_8N1   0x03
#define UART_MCR_OUT2  0x08 /* gates the interrupt line on a PC; harmless elsewhere */
#define UART_LSR_DR    0x01 /* data ready */
#define UART_LSR_THRE  0x20 /* room in the transmitter */

#endif
