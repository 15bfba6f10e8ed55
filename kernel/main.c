int kmain_placeholder;
