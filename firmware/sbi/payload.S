/*
 * payload.S: the kernel image (a flat binary of kernel.elf's loaded
 * sections), carried inside the combined image hyperlab.elf at the payload
 * address, so one ELF boots the whole stack where there is no -kernel.
 */
  .section .payload, "ax"
  .incbin PAYLOAD_BIN
